"""A view that cannot apply an event stops before it, loudly: the fault is kept beside its tracking row until the
view moves past that position, and reported by the projector's log, `/readyz` and `corral projections status`.

A view never skips an event: one that skipped would be silently wrong from then on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

import psycopg2
import sqlalchemy.exc
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from projections.database import ViewDatabase
from projections.safe import safe_text

# A connection lost, refused or timed out: the projector retries with back-off. Anything else raised while a view
# applies events (a value the database refuses, a handler's bug) is a fault of the event that raised it.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.DisconnectionError,
    sqlalchemy.exc.TimeoutError,
    StoreOperationalError,
    StoreInterfaceError,
    OSError,
)
ERROR_LENGTH = 1000


@dataclass(frozen=True)
class Fault:
    """Why a view stays where it is: the event at `position` (the first it has not applied) raised `error`."""

    view: str
    position: int
    event_type: str
    error: str
    first_seen: datetime | None = None

    def __str__(self) -> str:
        return f"view {self.view} cannot apply position {self.position} ({self.event_type}): {self.error}"


class ViewsStuckError(Exception):
    """Views stopped before events they cannot apply; each fault is recorded in `projection_faults`."""

    def __init__(self, faults: Sequence[Fault]) -> None:
        super().__init__("; ".join(str(fault) for fault in faults))
        self.faults = list(faults)


class UndecodableEventError(Exception):
    """The log holds an event that cannot be decoded (its type, a value's type or the cipher key has changed)."""


class Undecodable:
    """Stands in for an event that could not be decoded: each view that reaches it faults there."""

    def __init__(self, topic: str, error: Exception) -> None:
        self.topic = topic
        self.error = error

    def fail(self) -> NoReturn:
        """Raise, as applying it must."""
        raise UndecodableEventError(f"the event cannot be decoded: {error_text(self.error)}") from self.error


def event_type(event: Any) -> str:
    """`Programme.ProviderTermsRevised`: the event's class, named within its aggregate."""
    if isinstance(event, Undecodable):
        return event.topic.rpartition(":")[2]
    return type(event).__qualname__


def error_text(error: BaseException) -> str:
    """The error's type and message, made safe to store and cut to `ERROR_LENGTH` characters."""
    return safe_text(f"{type(error).__name__}: {error}")[:ERROR_LENGTH]


def record_fault(database: ViewDatabase, fault: Fault) -> Fault:
    """Keep the fault in its own transaction (the batch that raised it rolled back); a fault already seen at the
    same position keeps the time it was first seen. Returns it with that time."""
    now = datetime.now(UTC)
    t = database.faults
    with database.transaction() as conn:
        here = (t.c.projection == fault.view, t.c.position == fault.position)
        first_seen = conn.execute(select(t.c.first_seen).where(*here)).scalar()
        if first_seen is None:
            first_seen = now
            conn.execute(delete(t).where(t.c.projection == fault.view))
            conn.execute(
                insert(t).values(
                    projection=fault.view,
                    position=fault.position,
                    event_type=fault.event_type,
                    error=fault.error,
                    first_seen=now,
                    last_seen=now,
                )
            )
        else:
            conn.execute(update(t).where(*here).values(event_type=fault.event_type, error=fault.error, last_seen=now))
    return Fault(fault.view, fault.position, fault.event_type, fault.error, first_seen)


def read_faults(database: ViewDatabase, keys: Iterable[str]) -> dict[str, Fault]:
    """The recorded fault of each named view that has one, by view key."""
    t = database.faults
    with database.reading() as conn:
        rows = conn.execute(select(t).where(t.c.projection.in_(list(keys)))).all()
    return {
        row.projection: Fault(row.projection, row.position, row.event_type, row.error, row.first_seen) for row in rows
    }


def clear_faults(conn: Connection, database: ViewDatabase, keys: Iterable[str]) -> None:
    """Forget the faults of views that have moved past them, inside the transaction that moves them."""
    t = database.faults
    conn.execute(delete(t).where(t.c.projection.in_(list(keys))))
