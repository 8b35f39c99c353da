"""Every connection of a serving process to PostgreSQL, the event store's and the views', carries the statement
and lock timeouts of its role: a server both, the projector only the lock timeout, an operator's command neither."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from api.cli.starting import for_command
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from tests.conftest import POSTGRES_URL, fresh_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_available: bool) -> Iterator[Settings]:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers")
    with fresh_schema() as schema:
        yield Settings(
            database_url=POSTGRES_URL,
            database_schema=schema,
            statement_timeout_seconds=12.5,
            lock_timeout_seconds=3,
        )


def timeouts(engine: Engine) -> tuple[str, str]:
    with engine.connect() as conn:
        return conn.execute(text("SHOW statement_timeout")).scalar_one(), conn.execute(
            text("SHOW lock_timeout")
        ).scalar_one()


@pytest.mark.parametrize(
    ("command", "expected"),
    [("serve", ("12500ms", "3s")), ("projector", ("0", "3s")), ("projections", ("0", "0"))],
)
def test_each_role_connects_with_its_timeouts_to_the_event_store_and_the_views(
    store: Settings, command: str, expected: tuple[str, str]
) -> None:
    settings = for_command(store, command)
    app = build_application(settings)
    database, _ = build_views(settings)
    try:
        event_store = app.recorder.datastore.engine  # type: ignore[attr-defined]
        assert timeouts(event_store) == expected
        assert timeouts(database.engine) == expected
    finally:
        database.close()
        app.close()
