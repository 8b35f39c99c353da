"""Tokens signed out before they expire: refused by every route, and their live sockets closed at once.

A revocation is a row, not an event. This process's listeners (the live hub) hear of it by a callback once it
commits; on PostgreSQL the revoking transaction also sends a NOTIFY on `channel`, carrying the token id, so every
other server process's hub closes its sockets too. SQLite is served by one process, which the callback reaches.

Every signed-in request asks whether its token was signed out: on the request's one read connection, like all its
reads (projections/reads.py), and on PostgreSQL through the driver itself (api/storage/driver.py), prepared once per
connection (SQLAlchemy's work around that one statement cost more than the round trip).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy import Column, MetaData, String, Table, bindparam, delete, insert, select, text

from api.storage.driver import Driver
from projections.database import UTCDateTime, ViewDatabase


class RevokedTokens:
    """The ids of tokens signed out, kept until they would have expired anyway."""

    def __init__(self, database: ViewDatabase) -> None:
        self.database = database
        self.listeners: list[Callable[[str], None]] = []  # called with the token id once a revocation commits
        metadata = MetaData(schema=database.schema)
        self.revoked = Table(
            "revoked_tokens",
            metadata,
            Column("token_id", String(64), primary_key=True),
            Column("expires_at", UTCDateTime, nullable=False),
        )
        database.create_all(metadata)
        self._among = select(self.revoked.c.token_id).where(
            self.revoked.c.token_id.in_(bindparam("ids", expanding=True))
        )
        # every request asks of one token: a statement compiled once (an expanding IN is rendered for each list)
        self._one = select(self.revoked.c.token_id).where(self.revoked.c.token_id == bindparam("id"))
        self._driver = None if database.is_sqlite else Driver(database.reads)
        self._one_prepared = None if self._driver is None else self._driver.prepare(self._one)

    @property
    def channel(self) -> str:
        """The PostgreSQL channel revocations are announced on, named after the schema like the views' channel."""
        return f"{self.database.schema or 'public'}_corral_revoked"

    def revoke(self, token_id: str, expires_at: datetime) -> None:
        """Sign out: the token stops working before it expires, everywhere at once."""
        with self.database.transaction() as conn:
            conn.execute(delete(self.revoked).where(self.revoked.c.expires_at < datetime.now(UTC)))
            known = conn.execute(select(self.revoked.c.token_id).where(self.revoked.c.token_id == token_id)).first()
            if known is None:
                conn.execute(insert(self.revoked).values(token_id=token_id, expires_at=expires_at))
            if not self.database.is_sqlite:
                conn.execute(
                    text("SELECT pg_notify(:channel, :token_id)"), {"channel": self.channel, "token_id": token_id}
                )
        for listener in list(self.listeners):
            listener(token_id)

    def is_revoked(self, token_id: str) -> bool:
        """True once the token was signed out."""
        with self.database.reading() as conn:
            if self._driver is not None and self._one_prepared is not None:
                return bool(self._driver.read_on(conn, self._one_prepared, {"id": token_id}, self._one))
            return conn.execute(self._one, {"id": token_id}).first() is not None

    def revoked_among(self, token_ids: Iterable[str]) -> set[str]:
        """Those of these tokens that were signed out, in one query."""
        wanted = sorted(set(token_ids))
        if not wanted:
            return set()
        with self.database.reading() as conn:
            rows = conn.execute(self._among, {"ids": wanted})
            return {row.token_id for row in rows}
