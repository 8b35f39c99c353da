"""Whether a token was signed out is asked by every signed-in request: asked first, it takes a read connection of its
own and returns it at once; asked by a request that already holds its shared read connection (an error page drawn
after the views were read), it asks on that one. A request never holds two of the read pool's connections, so
requests at once cannot between them hold every connection while each waits for another."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from api.storage.revocations import RevokedTokens
from api.storage.settings import Settings
from projections.database import ViewDatabase
from projections.reads import sharing_reads


@pytest.fixture
def revocations(settings: Settings) -> Iterator[RevokedTokens]:
    if settings.database_url.startswith("sqlite"):
        pytest.skip("on SQLite a request's reads are not shared (projections/reads.py): each takes its own")
    database = ViewDatabase(settings.database_url, settings.database_schema)
    yield RevokedTokens(database)
    database.close()


def test_a_request_asks_on_its_own_read_connection_and_never_holds_two(revocations: RevokedTokens) -> None:
    revocations.revoke("signed-out", datetime.now(UTC) + timedelta(hours=1))
    database = revocations.database
    held = Held(database)
    with sharing_reads():
        assert revocations.is_revoked("signed-out") and not revocations.is_revoked("still-in")
        assert held.now == 0 and held.most == 1  # asked first: its connection already given back
        with database.reading() as conn:
            conn.execute(select(revocations.revoked)).all()
            assert revocations.is_revoked("signed-out") and not revocations.is_revoked("still-in")
        assert held.most == 1


class Held:
    """How many of the read pool's connections are checked out now, and the most at once."""

    def __init__(self, database: ViewDatabase) -> None:
        self.now = self.most = 0
        event.listen(database.reads.pool, "checkout", self._out)
        event.listen(database.reads.pool, "checkin", self._in)

    def _out(self, *_: Any) -> None:
        self.now += 1
        self.most = max(self.most, self.now)

    def _in(self, *_: Any) -> None:
        self.now -= 1
