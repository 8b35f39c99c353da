"""The failed sign-ins kept to throttle them: each counted under a digest (of a username, a device or a client)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, insert, select

from projections.database import UTCDateTime, ViewDatabase


class SignInFailures:
    """Operational records, not part of the event log: forgotten once out of every window."""

    def __init__(self, database: ViewDatabase) -> None:
        self.database = database
        metadata = MetaData(schema=database.schema)
        self.table = Table(
            "sign_in_failures_by_digest",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("counted_as", String(64), nullable=False, index=True),
            Column("failed_at", UTCDateTime, nullable=False, index=True),
        )
        database.create_all(metadata)

    def latest(self, counted_as: str, since: datetime, limit: int) -> list[datetime]:
        """When the last `limit` failures counted this way since then happened, the latest first."""
        with self.database.reading() as conn:
            recent = conn.execute(
                select(self.table.c.failed_at)
                .where(self.table.c.counted_as == counted_as, self.table.c.failed_at >= since)
                .order_by(self.table.c.failed_at.desc())
                .limit(limit)
            ).scalars()
            return list(recent)

    def add(self, counted_as: Iterable[str], failed_at: datetime, forget_before: datetime) -> None:
        """Count a failure under each digest, forgetting those older than any window."""
        with self.database.transaction() as conn:
            conn.execute(delete(self.table).where(self.table.c.failed_at < forget_before))
            conn.execute(insert(self.table), [{"counted_as": c, "failed_at": failed_at} for c in counted_as])

    def clear(self, counted_as: str) -> None:
        """Forget the failures counted this way."""
        with self.database.transaction() as conn:
            conn.execute(delete(self.table).where(self.table.c.counted_as == counted_as))
