"""The projector lease (PostgreSQL): one row saying which process projects, renewed by it as a heartbeat.

The holder renews the lease every third of its term, on a thread of its own; a standby takes it only once it has
run out (by the database's clock), or at once if no session of its holder is left (the holder was killed). A holder
that is frozen but still connected may be inside a transaction holding the views' tracking rows, so whoever takes the
lease over from it ends its sessions, found by their `application_name` (projections/connections.py). A holder that
wakes and renews finds the lease lost and stands by. So a frozen projector is replaced within the lease's term plus
one poll of a standby (`STANDBY_POLL_SECONDS`), and the views' compare-and-set positions keep any batch it had in
flight from being applied twice.

The row also names the views its holder projects, so that a standby of a newer release can build the views the
holder does not know meanwhile (projections/runner.py).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from time import monotonic
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    column,
    func,
    literal,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql import Select

from projections.connections import application_name
from projections.database import ViewDatabase
from projections.wakeups import DATABASE_ERRORS

log = logging.getLogger("corral.projector")

STANDBY_POLL_SECONDS = 1.0


class LeaseLostError(Exception):
    """Another process holds the lease (this one may have thought it held it): as its row says, if known."""

    def __init__(self, message: str, holding: Holding | None = None) -> None:
        super().__init__(message)
        self.holding = holding


@dataclass(frozen=True)
class Holding:
    """The lease as its row says: who holds it, through which sessions, since which taking, projecting what."""

    holder: str
    connection: str
    epoch: int
    views: tuple[str, ...]
    expired: bool


class Lease:
    """The lease row of a schema's projectors, seen by one would-be holder."""

    TABLE = "projector_lease"

    def __init__(self, database: ViewDatabase, holder: str, seconds: float) -> None:
        self.database, self.holder, self.seconds = database, holder, seconds
        self.metadata = MetaData(schema=database.schema)
        self.table = Table(
            self.TABLE,
            self.metadata,
            Column("name", String(64), primary_key=True),
            Column("holder", Text, nullable=False),  # empty when released
            Column("connection", Text, nullable=False),  # the holder's application_name
            Column("epoch", BigInteger, nullable=False),  # one more at each taking
            Column("renewed_at", DateTime(timezone=True), nullable=False),
            Column("expires_at", DateTime(timezone=True), nullable=False),
            Column("views", Text, nullable=False),  # the view keys its holder projects, space-separated
        )
        self.epoch = 0  # of our taking; 0 while we hold none

    def create(self) -> None:
        """Create the table if missing."""
        self.database.create_all(self.metadata)

    def read(self) -> Holding | None:
        """The lease as it stands, or None before anyone has taken it."""
        with self.database.transaction() as conn:
            row = conn.execute(self._holding()).first()
        return _holding(row)

    def take(self, views: Sequence[str]) -> Holding | None:
        """Take the lease if it is free, run out, or its holder has no session left: the holding taken over (None if
        nobody held it), after ending the old holder's sessions. LeaseLostError while another holds it."""
        c, connection = self.table.c, application_name()
        with self.database.transaction() as conn:
            row = conn.execute(self._holding().with_for_update()).first()
            held = _holding(row)
            if held is not None and held.holder not in ("", self.holder) and not held.expired:
                raise LeaseLostError(f"the projector lease is held by {held.holder}", held)
            terms = {
                "holder": self.holder,
                "connection": connection,
                "renewed_at": func.now(),
                "expires_at": func.now() + timedelta(seconds=self.seconds),
                "views": " ".join(views),
            }
            if held is None:  # the first taking: another standby may be inserting it too
                first = insert(self.table).values(name="projector", epoch=1, **terms).on_conflict_do_nothing()
                if conn.execute(first).rowcount != 1:
                    raise LeaseLostError("another projector took the lease first")
            else:
                conn.execute(update(self.table).where(c.name == "projector").values(epoch=c.epoch + 1, **terms))
            if held is not None and held.holder and not self._ours(held, connection):
                # Sessions of a role we may not signal are left to idle_in_transaction_session_timeout.
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :old"
                        " AND pid <> pg_backend_pid() AND pg_has_role(usesysid, 'MEMBER')"
                    ),
                    {"old": held.connection},
                )
            self.epoch = 1 if held is None else held.epoch + 1
        return held if held is not None and held.holder else None

    def renew(self, views: Sequence[str]) -> None:
        """Extend our lease by its term from now; LeaseLostError if another process has taken it."""
        c = self.table.c
        with self.database.transaction() as conn:
            renewed = conn.execute(
                update(self.table)
                .where(c.name == "projector", c.holder == self.holder, c.epoch == self.epoch)
                .values(
                    renewed_at=func.now(),
                    expires_at=func.now() + timedelta(seconds=self.seconds),
                    views=" ".join(views),
                )
            )
        if renewed.rowcount != 1:
            held = self.read()
            self.epoch = 0
            raise LeaseLostError(f"lost the lease to {held.holder if held and held.holder else 'nobody'}", held)

    def release(self) -> bool:
        """Let a standby take the lease at its next poll; False if it was no longer ours."""
        c = self.table.c
        with self.database.transaction() as conn:
            released = conn.execute(
                update(self.table)
                .where(c.name == "projector", c.holder == self.holder, c.epoch == self.epoch)
                .values(holder="", connection="", expires_at=func.now())
            )
        self.epoch = 0
        return released.rowcount == 1

    def _ours(self, held: Holding, connection: str) -> bool:
        """Whether the holding's sessions are this process's own (never to be ended by it)."""
        return held.connection == connection or held.holder.partition("#")[0] == self.holder.partition("#")[0]

    def _holding(self) -> Select[Any]:
        c = self.table.c
        sessions = table("pg_stat_activity", column("application_name"))
        gone = ~select(literal(1)).where(sessions.c.application_name == c.connection).exists()
        return select(
            c.holder, c.connection, c.epoch, c.views, ((c.expires_at < func.now()) | gone).label("expired")
        ).where(c.name == "projector")


def _holding(row: Any) -> Holding | None:
    if row is None:
        return None
    return Holding(row.holder, row.connection, int(row.epoch), tuple(row.views.split()), bool(row.expired))


class Active(threading.Event):
    """Set while this process may act as the one projector: on PostgreSQL only until its lease's term runs out
    unrenewed (by this machine's clock, counted from before the last renewal was sent)."""

    def __init__(self) -> None:
        super().__init__()
        self._until = math.inf

    def set(self) -> None:
        """Active, with no term (SQLite, or until the first renewal says otherwise)."""
        self._until = math.inf
        super().set()

    def hold_until(self, until: float) -> None:
        """Active until this moment (monotonic) unless renewed again."""
        self._until = until

    def is_set(self) -> bool:
        """Whether it is set and its term has not run out."""
        return super().is_set() and monotonic() < self._until


class Heartbeat:
    """Renews a held lease every third of its term on a thread of its own, so a long batch cannot lose it, and calls
    `watch` after each renewal (a look for a stall, which a batch stuck waiting cannot take). On losing it, logs who
    has it and clears `active`."""

    def __init__(self, lease: Lease, views: Sequence[str], active: Active, watch: Callable[[], None]) -> None:
        self.lease, self.views, self.active, self.watch = lease, list(views), active, watch
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="corral-lease", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.active.hold_until(monotonic() + self.lease.seconds)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.wait(self.lease.seconds / 3):
            sent = monotonic()
            try:
                self.lease.renew(self.views)
            except LeaseLostError as lost:
                log.info("projector %s %s; standing by", self.lease.holder, lost)
                self.active.clear()
                return
            except DATABASE_ERRORS as error:
                log.warning("projector %s could not renew its lease (%s); trying again", self.lease.holder, error)
                continue
            self.active.hold_until(sent + self.lease.seconds)
            try:
                self.watch()
            except DATABASE_ERRORS as error:
                log.warning("projector %s could not look for a stall (%s)", self.lease.holder, error)
