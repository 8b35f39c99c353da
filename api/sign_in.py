"""What signing in must remember outside the event log: recent failures, to throttle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, func, insert, select

from api.security import SignInError, authenticate
from domain.actors import Actor
from domain.application import Corral
from projections.database import UTCDateTime, ViewDatabase

WINDOW = timedelta(minutes=15)


class ThrottledError(SignInError):
    """Too many failed sign-ins for this username lately."""

    def __init__(self, username: str, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins for {username}: try again in {seconds} seconds")
        self.seconds = seconds


class SignInLedger:
    """Failed sign-ins per username."""

    def __init__(self, database: ViewDatabase, allowed_failures: int = 5) -> None:
        self.database = database
        self.allowed_failures = allowed_failures
        metadata = MetaData(schema=database.schema)
        self.failures = Table(
            "sign_in_failures",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("username", String(64), nullable=False, index=True),
            Column("failed_at", UTCDateTime, nullable=False),
        )
        metadata.create_all(database.engine)

    def sign_in(self, corral: Corral, username: str, password: str) -> Actor:
        """The actor whose password this is; SignInError if wrong, ThrottledError after repeated failures."""
        username = username.strip().lower()
        wait = self.seconds_until_allowed(username)
        if wait:
            raise ThrottledError(username, wait)
        try:
            actor = authenticate(corral, username, password)
        except SignInError:
            self.failed(username)
            raise
        self.succeeded(username)
        return actor

    def seconds_until_allowed(self, username: str) -> int:
        """0 when the user may try to sign in; otherwise how long to wait after too many failures."""
        since = datetime.now(UTC) - WINDOW
        with self.database.engine.connect() as conn:
            count, oldest = conn.execute(
                select(func.count(), func.min(self.failures.c.failed_at)).where(
                    self.failures.c.username == username, self.failures.c.failed_at >= since
                )
            ).one()
        if count < self.allowed_failures:
            return 0
        return max(int((oldest + WINDOW - datetime.now(UTC)).total_seconds()) + 1, 1)

    def failed(self, username: str) -> None:
        """Count a failed attempt."""
        with self.database.transaction() as conn:
            conn.execute(insert(self.failures).values(username=username, failed_at=datetime.now(UTC)))

    def succeeded(self, username: str) -> None:
        """A correct password clears the user's failures."""
        with self.database.transaction() as conn:
            conn.execute(delete(self.failures).where(self.failures.c.username == username))
