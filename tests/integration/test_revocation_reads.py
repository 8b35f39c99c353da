"""Whether a token was signed out is asked by every signed-in request, on PostgreSQL through the driver itself: on
the one read connection the request shares with all its reads, and answered still when that connection was
dropped (a restarted server, a terminated backend)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import pytest
from sqlalchemy import event, select, text

from api.storage.revocations import RevokedTokens
from api.storage.settings import Settings
from projections.database import ViewDatabase
from projections.reads import sharing_reads
from tests.conftest import _postgres_dsn


@pytest.fixture
def revocations(settings: Settings) -> Iterator[RevokedTokens]:
    if settings.database_url.startswith("sqlite"):
        pytest.skip("on SQLite a request's reads are not shared (projections/reads.py): each takes its own")
    database = ViewDatabase(settings.database_url, settings.database_schema)
    revoked = RevokedTokens(database)
    revoked.revoke("signed-out", datetime.now(UTC) + timedelta(hours=1))
    yield revoked
    database.close()


def test_a_request_asks_on_the_one_read_connection_it_shares_with_its_views(revocations: RevokedTokens) -> None:
    database = revocations.database
    held = Held(database)
    with sharing_reads():
        assert revocations.is_revoked("signed-out") and not revocations.is_revoked("still-in")
        with database.reading() as conn:
            conn.execute(select(revocations.revoked)).all()
        assert revocations.is_revoked("signed-out")
        assert held.checkouts == held.most == 1
    assert held.now == 0
    assert revocations.is_revoked("signed-out") and held.now == 0  # outside a request: its own, given back


def test_the_check_is_answered_when_the_request_s_connection_was_dropped(revocations: RevokedTokens) -> None:
    with sharing_reads():
        with revocations.database.reading() as conn:
            backend = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        terminate(backend)
        assert revocations.is_revoked("signed-out") and not revocations.is_revoked("still-in")


def terminate(backend: int) -> None:
    admin = psycopg2.connect(_postgres_dsn())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (backend,))
    admin.close()


class Held:
    """The read pool's checkouts: how many, how many are out now, and the most out at once."""

    def __init__(self, database: ViewDatabase) -> None:
        self.checkouts = self.now = self.most = 0
        event.listen(database.reads.pool, "checkout", self._out)
        event.listen(database.reads.pool, "checkin", self._in)

    def _out(self, *_: Any) -> None:
        self.checkouts += 1
        self.now += 1
        self.most = max(self.most, self.now)

    def _in(self, *_: Any) -> None:
        self.now -= 1
