"""Container secrets: any setting from a file named by `CORRAL_<NAME>_FILE`, refused clearly when it cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from api.cli.main import main
from api.storage.secret_files import SettingFileError
from api.storage.settings import Settings

SECRET = "a-long-random-secret-that-no-environment-listing-shows-0123456789"


@pytest.fixture(autouse=True)
def no_corral_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CORRAL_SECRET_KEY", "CORRAL_DATABASE_URL", "CORRAL_DATABASE_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)


def test_given_a_secret_mounted_as_a_file_when_settings_are_read_then_it_is_the_files_text_without_its_newline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret_key").write_text(SECRET + "\n")
    (tmp_path / "database_url").write_text("postgresql+psycopg2://corral:pa55@db/corral")
    monkeypatch.setenv("CORRAL_SECRET_KEY_FILE", str(tmp_path / "secret_key"))
    monkeypatch.setenv("CORRAL_DATABASE_URL_FILE", str(tmp_path / "database_url"))

    settings = Settings()

    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == SECRET
    assert settings.database_url == "postgresql+psycopg2://corral:pa55@db/corral"
    assert SECRET not in repr(settings)


def test_given_no_file_variables_when_settings_are_read_then_the_environment_and_defaults_stand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORRAL_SECRET_KEY", SECRET)

    settings = Settings()

    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == SECRET


def test_given_the_database_password_in_the_file_postgres_reads_too_then_the_url_carries_it_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "db_password").write_text("p@ss/word:1\n")
    monkeypatch.setenv("CORRAL_DATABASE_URL", "postgresql+psycopg2://corral@db:5432/corral")
    monkeypatch.setenv("CORRAL_DATABASE_PASSWORD_FILE", str(tmp_path / "db_password"))

    settings = Settings()

    assert settings.database_url == "postgresql+psycopg2://corral:p%40ss%2Fword%3A1@db:5432/corral"
    assert make_url(settings.database_url).password == "p@ss/word:1"


def test_a_database_password_takes_the_place_of_one_in_the_url_and_means_nothing_to_sqlite(tmp_path: Path) -> None:
    password = SecretStr("from-the-file")

    postgres = Settings(database_url="postgresql+psycopg2://corral:old@db/corral", database_password=password)
    sqlite = Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}", database_password=password)

    assert make_url(postgres.database_url).password == "from-the-file"
    assert sqlite.database_url == f"sqlite:///{tmp_path / 'corral.sqlite3'}"


def test_a_file_that_cannot_be_read_is_refused_naming_the_variable_and_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRAL_SECRET_KEY_FILE", str(tmp_path / "missing"))

    with pytest.raises(SettingFileError, match=r"CORRAL_SECRET_KEY_FILE names .*missing, which cannot be read"):
        Settings()


def test_a_setting_given_both_directly_and_by_file_is_refused_rather_than_one_silently_winning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret_key").write_text(SECRET)
    monkeypatch.setenv("CORRAL_SECRET_KEY", "another")
    monkeypatch.setenv("CORRAL_SECRET_KEY_FILE", str(tmp_path / "secret_key"))

    with pytest.raises(SettingFileError, match="set CORRAL_SECRET_KEY or CORRAL_SECRET_KEY_FILE, not both"):
        Settings()


def test_the_corral_command_stops_in_plain_words_when_a_setting_file_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CORRAL_SECRET_KEY_FILE", str(tmp_path / "missing"))

    status = main(["projections", "status"])

    assert status == 2
    assert "Corral cannot start: CORRAL_SECRET_KEY_FILE names" in capsys.readouterr().out
