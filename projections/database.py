"""The database the views live in: the event store's own, beside the events, with one tracking table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import String as StringType
from sqlalchemy.types import TypeDecorator

from projections.advancing import Advancing
from projections.creating import create_missing
from projections.connections import connection_options
from projections.prepared import hold_rows
from projections.reads import reading_on
from projections.sqlite_sessions import STANDING_ALONE, sqlite_begin, sqlite_pragmas
from projections.safe import fit_text, safe_decimal, safe_text
from projections.tail import (
    HELD_BACK,
    HeldBack,
    batch_on,
    batch_engine,
)

DECIMAL_TEXT_LENGTH = 40


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text, the same on SQLite and PostgreSQL.

    Every Decimal `projections.safe` lets through fits (at most 28 digits, a sign, a point and an exponent); as
    a last defence, one that would not fit is stored as `safe_decimal` makes it."""

    impl = StringType(DECIMAL_TEXT_LENGTH)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> str | None:
        if value is None:
            return None
        text = str(value)
        return text if len(text) <= DECIMAL_TEXT_LENGTH else str(safe_decimal(value))

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class SafeText(TypeDecorator[str]):
    """Unbounded text, with NUL and lone surrogates replaced as a last defence behind `projections.safe`."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None or (value.isascii() and "\x00" not in value):
            return value
        return safe_text(value)


class BoundedText(TypeDecorator[str]):
    """Text in a column of `length` characters, made to fit deterministically (see `fit_text`): an over-long
    value recorded before today's limits is stored, not refused, and stays distinct from any other."""

    impl = StringType
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None or (len(value) <= self.length and value.isascii() and "\x00" not in value):
            return value
        return fit_text(value, self.length)


def as_stored(column: ColumnElement[Any], text: str) -> str:
    """The text as this column stores it (see `BoundedText` and `SafeText`)."""
    kind = column.type
    return fit_text(text, kind.length) if isinstance(kind, BoundedText) else safe_text(text)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment stored as naive UTC and read back as aware UTC, the same on SQLite and PostgreSQL."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def one_creator_at_a_time(conn: Connection, schema: str | None) -> None:
    """PostgreSQL: wait until no other process is creating tables in the schema, and keep them waiting until this
    transaction ends. Processes queue here however long the first takes: no timeout refuses a start."""
    conn.execute(text("SET LOCAL lock_timeout = 0; SET LOCAL statement_timeout = 0"))
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"corral-ddl/{schema}"})


class ViewDatabase:
    """An engine for the views' writes and one for their reads, the views' table definitions, and the tracking row
    each projection advances."""

    def __init__(self, url: str, schema: str | None = None, options: str = "") -> None:
        """`options`: the libpq options each PostgreSQL connection starts with, e.g. `-c lock_timeout=5000`."""
        self.url = url
        self.schema = schema
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine: Engine = create_engine(url, pool_pre_ping=True, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", sqlite_pragmas)
            event.listen(self.engine, "begin", sqlite_begin)
            # SQLite has no isolation to switch: a read is a connection of the same pool that begins no transaction.
            self.reads: Engine = self.engine
            self._read_options: dict[str, Any] = {STANDING_ALONE: True}
            self.batches = self.engine
        else:
            # Views are rebuilt from the log and commit atomically with their tracking, so a crash can
            # only lose view commits that are then re-applied: they need not wait for the disk.
            self.engine = create_engine(
                url,
                pool_pre_ping=True,
                executemany_mode="values_plus_batch",
                connect_args=connection_options("-c synchronous_commit=off", options),
            )
            # Reads (see projections/reads.py): AUTOCOMMIT and read-only from the moment each connection is made,
            # and not pinged on checkout; a statement on a dropped connection is retried once on a fresh one.
            self.reads = create_engine(
                url,
                isolation_level="AUTOCOMMIT",
                connect_args=connection_options("-c default_transaction_read_only=on", options),
            )
            self._read_options = {}
            # The projector's batches (see `batch`): what the views write is held back, sent with a read or the commit.
            self.batches = batch_engine(url, connection_options("-c synchronous_commit=off", options), self.engine)
        self.metadata = MetaData(schema=schema)
        self.tracking = Table(
            "projection_tracking",
            self.metadata,
            Column("projection", String(64), primary_key=True),
            Column("position", BigInteger, nullable=False),
        )
        self._renderings: dict[Any, Any] = {}  # see `write`
        self._advancing = Advancing(self)
        # A view that cannot apply the event after its position: what stops it, kept until it moves past.
        self.faults = Table(
            "projection_faults",
            self.metadata,
            Column("projection", String(64), primary_key=True),
            Column("position", BigInteger, nullable=False),
            Column("event_type", BoundedText(200), nullable=False),
            Column("error", SafeText, nullable=False),
            Column("first_seen", UTCDateTime, nullable=False),
            Column("last_seen", UTCDateTime, nullable=False),
        )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: commits on success, rolls back on any error."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def batch(self) -> Iterator[Connection]:
        """The transaction a projector applies a batch of events to its views in: on PostgreSQL, what the views write
        in `held` blocks goes to the server with their next read, or with the commit (see projections/tail.py)."""
        with self.transaction() if self.is_sqlite else batch_on(self.batches) as conn:
            yield conn

    def write(self, conn: Connection, statement: Any, rows: list[dict[str, Any]]) -> None:
        """Write the rows; inside a `batch`, held back (see `held`), and rendered without SQLAlchemy where they can be
        (projections/prepared.py)."""
        held_back: HeldBack | None = conn.connection.info.get(HELD_BACK)
        if held_back is None or not hold_rows(held_back, statement, rows, self._renderings, _observing(conn)):
            with self.held(conn):
                conn.execute(statement, rows)

    def held(self, conn: Connection, leading: bool = False) -> AbstractContextManager[None]:
        """Inside a `batch`, the statements run in the block are held back, to go with the next that is answered
        (`leading`: ahead of those held already)."""
        held_back: HeldBack | None = conn.connection.info.get(HELD_BACK)
        return nullcontext() if held_back is None else held_back.held(leading)

    @contextmanager
    def creating(self) -> Iterator[Connection]:
        """A transaction that creates tables, one process at a time: on PostgreSQL, server processes starting
        together would otherwise race to create the same table and all but one fail."""
        if self.is_sqlite:  # BEGIN IMMEDIATE: the write lock first, as a read's upgrade to one is refused at once
            with self.engine.execution_options(sqlite_immediate=True).begin() as conn:
                yield conn
            return
        with self.transaction() as conn:
            one_creator_at_a_time(conn, self.schema)
            yield conn

    def create_all(self, metadata: MetaData) -> None:
        """Create the tables of `metadata` that are missing, one process at a time."""
        with self.creating() as conn:
            create_missing(conn, metadata)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads, each statement standing alone, with no transaction to begin or end: the one the
        request's reads share, inside `projections.reads.sharing_reads()`, else one of the block's own."""
        with reading_on(self.reads, self._read_options, share=not self.is_sqlite) as conn:
            yield conn

    def ping(self) -> None:
        """Raise unless the database answers."""
        ping(self.engine)

    def positions(self, keys: Iterable[str]) -> dict[str, int]:
        """Each named view's committed position (0 before its first batch), read in one query."""
        positions = dict.fromkeys(keys, 0)
        with self.reading() as conn:
            rows = conn.execute(select(self.tracking).where(self.tracking.c.projection.in_(positions)))
            return positions | {row.projection: row.position for row in rows}

    @property
    def views_channel(self) -> str:
        """The PostgreSQL channel a view's commit is announced on, named after the schema like the event store's."""
        return f"{self.schema or 'public'}_corral_views"

    def advance(self, conn: Connection, moves: dict[str, tuple[int, int]], announce: bool = True) -> None:
        """Move each view's tracking row from the position its batch started at to the one it reached, failing the
        transaction (PositionMovedError) if another writer moved one meanwhile: in a `batch`, held back with a check
        the server makes (see `advancing.position_check`), to lead the message that commits. Views that moved alike
        (the usual batch) move in one statement.

        On PostgreSQL the same statement announces each view's new position to listeners once the transaction commits
        (unless `announce` is False), as the payload `<view key> <position>` (see `read_announcement`)."""
        if moves:
            self._advancing.advance(conn, moves, announce and not self.is_sqlite)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
        self.batches.dispose()
        self.reads.dispose()


def ping(engine: Engine) -> None:
    """Raise unless the engine's database answers a query that reads no table (so waits on no table's lock)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _observing(conn: Connection) -> Callable[[str, dict[str, Any]], None] | None:
    """What gives a statement a batch renders itself to the engine's cursor-execute listeners, as if it ran it (a
    test's fault, a benchmark's count), if it has any."""
    before, after = conn.dispatch.before_cursor_execute, conn.dispatch.after_cursor_execute
    if not before and not after:
        return None
    cursor = conn.connection.info[HELD_BACK].cursor

    def observe(statement: str, parameters: dict[str, Any]) -> None:
        before(conn, cursor, statement, parameters, None, False)
        after(conn, cursor, statement, parameters, None, False)

    return observe


def read_announcement(payload: str) -> tuple[str, int] | None:
    """The view and position a commit announcement names; None if the payload is not one."""
    view, _, position = payload.partition(" ")
    return (view, int(position)) if view and position.isdigit() else None
