"""Where events are stored is chosen by CORRAL_* settings alone."""

from __future__ import annotations

import select
from pathlib import Path

import psycopg2
import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.organisation import OrganisationKind
from tests.builders import ACUTE_ID, OPERATOR
from tests.conftest import _postgres_dsn

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


@pytest.mark.parametrize("settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_each_save_is_announced_on_the_channel_the_settings_name_after_the_schema(settings: Settings) -> None:
    channel = settings.events_channel
    listener = psycopg2.connect(_postgres_dsn())
    listener.autocommit = True
    with listener.cursor() as cursor:
        cursor.execute(f"LISTEN {channel}")
    app = build_application(settings)
    try:
        app.register_organisation(OPERATOR, "ACUTE", "Torbay Acute Trust", OrganisationKind.PROVIDER)
    finally:
        app.close()
    heard = select.select([listener], [], [], 5)[0]
    listener.poll()
    listener.close()

    assert channel == f"{settings.database_schema}_corral_events"
    assert heard and [n.channel for n in listener.notifies] == [channel]
