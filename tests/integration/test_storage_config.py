"""Where events are stored is chosen by CORRAL_* settings alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.organisation import OrganisationKind
from tests.builders import ACUTE_ID, OPERATOR

CORRAL_VARIABLES = ("CORRAL_DATABASE_URL", "CORRAL_DATABASE_SCHEMA", "CORRAL_CIPHER_KEY", "CORRAL_COMPRESS_EVENTS")


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No CORRAL_* storage variables set, working in an empty directory."""
    for name in CORRAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_by_default_events_go_to_a_sqlite_file_under_var(clean_environment: pytest.MonkeyPatch) -> None:
    settings = Settings()

    assert settings.database_url.startswith("sqlite:///")
    assert settings.sqlite_path() == Path("var") / "corral.sqlite3"
    assert (
        settings.eventsourcing_env()["PERSISTENCE_MODULE"] == "api.storage.event_store:Factory"
    )  # eventsourcing-sqlalchemy
    app = build_application()
    try:
        app.register_organisation(OPERATOR, "ACUTE", "Torbay Acute Trust", OrganisationKind.PROVIDER)
    finally:
        app.close()
    assert (Path("var") / "corral.sqlite3").is_file()


def test_the_database_url_and_schema_come_from_corral_environment_variables(
    clean_environment: pytest.MonkeyPatch, settings: Settings
) -> None:
    clean_environment.setenv("CORRAL_DATABASE_URL", settings.database_url)
    if settings.database_schema:
        clean_environment.setenv("CORRAL_DATABASE_SCHEMA", settings.database_schema)

    from_environment = Settings()

    assert from_environment.database_url == settings.database_url
    assert from_environment.database_schema == settings.database_schema
    writer = build_application(from_environment)
    try:
        writer.register_organisation(OPERATOR, "ACUTE", "Torbay Acute Trust", OrganisationKind.PROVIDER)
    finally:
        writer.close()
    reader = build_application(settings)
    try:
        assert reader.organisation(ACUTE_ID).name == "Torbay Acute Trust"
    finally:
        reader.close()
    assert not Path("var").exists()
