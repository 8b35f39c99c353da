"""A read model's tables and its tracking row, always written together in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from threading import Event
from functools import partial
from typing import Any, ClassVar

import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from sqlalchemy import Index, MetaData, Table, delete, insert, select, text
from sqlalchemy.sql.schema import SchemaItem
from sqlalchemy.engine import Connection

from domain.clock import Clock, UKClock
from projections.commits import Commits
from projections.creating import create_missing
from projections.database import ViewDatabase
from projections.memory import Memory
from projections.tail import PositionMovedError as PositionMovedError
from projections.writes import insert_new_statement, update_statement

SCRATCH = "scratch_"


class View(TrackingRecorder):
    """Subclasses name themselves (with a version) and define their tables in `define_tables`."""

    name: ClassVar[str]
    # What day its readers are told it is (due dates are read relative to it); the wiring sets the configured clock.
    reading_clock: Clock = UKClock()
    # How many remembered values outlive their batch, beyond the set-up's (projections/memory.py): the least recently
    # used are forgotten first, so a long run (a rebuild of the whole log) holds no more than this. Every handler
    # reads afresh what it no longer recalls. 2,000 holds what a stretch of the log keeps touching; 10,000 rebuilt no
    # faster and held ~30 MB more at 100k.
    memory: ClassVar[int] = 2_000
    # Tables (by suffix) the handlers only write, never read: a rebuild builds their secondary indexes once, at its
    # end, instead of keeping them up to date row by row (see `loading`).
    written_only: ClassVar[tuple[str, ...]] = ()

    def __init__(self, database: ViewDatabase, prefix: str = "") -> None:
        self.database = database
        self.key = f"{prefix}{self.name}"
        self.metadata = MetaData(schema=database.schema)
        self.tracking = database.tracking.to_metadata(self.metadata)
        self.faults = database.faults.to_metadata(self.metadata)
        self.tables: list[Table] = []
        self._conn: Connection | None = None
        self._batch_start = self._batch_end = self._reached = 0
        self.commits = Commits()
        self._memory = Memory()
        self._staged: dict[Table, list[dict[str, Any]]] = {}
        self._new: dict[Table, list[dict[str, Any]]] = {}
        self._statements: dict[tuple[Any, ...], Any] = {}
        self._updates: dict[tuple[Table, tuple[tuple[str, Any], ...]], dict[str, Any]] = {}
        self.before_tracking: list[Callable[[], None]] = []
        self.define_tables()

    def define_tables(self) -> None:
        """Define this view's tables with `self.table(...)`."""
        raise NotImplementedError

    def table(self, suffix: str, *columns: SchemaItem, **kwargs: Any) -> Table:
        """A table named after this view, so scratch copies sit beside the live ones."""
        table = Table(f"{self.key}_{suffix}", self.metadata, *columns, **kwargs)
        self.tables.append(table)
        return table

    def create(self) -> None:
        """Create the tables and the tracking row, if missing, in one transaction."""
        with self.database.creating() as conn:
            # with the indexes a rebuild that stopped before its end left out
            create_missing(conn, self.metadata, self._deferred_indexes())
            if conn.execute(self._tracking_row()).first() is None:
                conn.execute(insert(self.tracking).values(projection=self.key, position=0))

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Around a rebuild into empty tables: the secondary indexes of the `written_only` tables are dropped
        first and built at the end, however it ends (or by the next `create`, if the process dies first)."""
        indexes = self._deferred_indexes()
        with self.database.transaction() as conn:
            for index in indexes:
                index.drop(conn, checkfirst=True)
        try:
            yield
        finally:
            with self.database.creating() as conn:
                create_missing(conn, self.metadata, indexes)

    def _deferred_indexes(self) -> list[Index]:
        written_only = {f"{self.key}_{suffix}" for suffix in self.written_only}
        return [i for t in self.tables if t.name in written_only for i in t.indexes if not i.unique]

    def drop(self) -> None:
        """Drop the tables and forget the position and any fault, in one transaction: the next run rebuilds from
        the start."""
        with self.database.transaction() as conn:
            for table in reversed(self.tables):
                table.drop(conn, checkfirst=True)
            conn.execute(delete(self.tracking).where(self.tracking.c.projection == self.key))
            conn.execute(delete(self.faults).where(self.faults.c.projection == self.key))
        self._memory.clear()
        self._reached = 0
        self.commits.settle(0)

    def analyze(self) -> None:
        """Refresh the planner's statistics on the tables: after a bulk load, PostgreSQL plans as if they were tiny."""
        with self.database.transaction() as conn:
            for table in self.tables:
                conn.execute(text(f"ANALYZE {conn.dialect.identifier_preparer.format_table(table)}"))

    @contextmanager
    def batch(self, shared: Connection | None = None, start: int | None = None) -> Iterator[int]:
        """Open the transaction a batch of events is applied in, or join the `shared` one, which its owner
        must end before this batch ends; yields the position the batch starts from.

        The position is read under a row lock, unless the caller read it already and gives it as `start`:
        then the tracking update at the batch's end is what checks it (see `insert_tracking`)."""
        committed = False
        try:
            with ExitStack() as own:
                conn = shared if shared is not None else own.enter_context(self.database.transaction())
                if start is None:
                    row = conn.execute(self._tracking_row().with_for_update()).first()
                    if row is None:
                        raise PositionMovedError(f"view {self.key} has no tracking row: create it first")
                    start = int(row.position)
                if start != self._reached:  # moved elsewhere, or by a batch whose commit we could not confirm:
                    self._memory.clear()  # what we remember may not be what the view now holds
                self._conn, self._batch_start, self._batch_end = conn, start, start
                try:
                    yield start
                except sqlalchemy.exc.IntegrityError as error:
                    raise IntegrityError(f"{self.key} already holds a row this batch adds") from error
                self._reached = self._batch_end
            committed = True
        finally:
            self._conn = None
            self._staged.clear()
            self._new.clear()
            self._updates.clear()
            if committed:
                self._memory.keep(self.memory)
            else:
                self._memory.rolled_back()
        self.commits.settle(self._reached if committed else None)

    @contextmanager
    def passing(self, start: int, reached: int) -> Iterator[None]:
        """Around a transaction that moves the view from `start` to `reached` past events it does not handle, with no
        batch of its own (which would cost a wake-up more than the rest of such a view's part): once it commits, the
        view stands where that batch would have left it."""
        try:
            yield
        except BaseException:
            self.commits.settle(None)
            raise
        if start != self._reached:  # as a batch would have found: moved elsewhere meanwhile
            self._memory.clear()
        self._reached = reached
        self.commits.settle(reached)

    @property
    def conn(self) -> Connection:
        """The open batch's connection."""
        if self._conn is None:
            raise RuntimeError("view changes happen only inside a batch")
        return self._conn

    @property
    def reader(self) -> Connection:
        """The batch's connection, after writing what is staged, so that reads see this batch's changes."""
        self.flush()
        return self.conn

    def stage(self, table: Table, row: dict[str, Any]) -> None:
        """Queue a row to insert with the rest of the batch's rows in one statement."""
        self._staged.setdefault(table, []).append(row)

    def stage_new(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Queue rows to insert with the rest of the batch's, each unless the table already holds its key."""
        if rows:
            self._new.setdefault(table, []).extend(rows)

    def stage_update(self, table: Table, key: dict[str, Any], **values: Any) -> None:
        """Queue an update of the row with this key; a batch's updates of one row merge into one."""
        self._updates.setdefault((table, tuple(sorted(key.items()))), {}).update(values)

    def flush(self) -> None:
        """Write the staged inserts, then the new rows, then the merged updates, each kind in as few statements as it
        takes."""
        for table, rows in self._staged.items():
            self.database.write(self.conn, self._statement(("insert", table), lambda: insert(table)), rows)
        self._staged.clear()
        for table, rows in self._new.items():
            new = self._statement(("new", table), lambda: insert_new_statement(self.conn, table))
            self.database.write(self.conn, new, rows)
        self._new.clear()
        groups: dict[tuple[str, Table, tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]] = {}
        for (table, key), values in self._updates.items():
            shape = ("update", table, tuple(column for column, _ in key), tuple(sorted(values)))
            row = {f"k_{c}": v for c, v in key} | {f"v_{c}": v for c, v in values.items()}
            groups.setdefault(shape, []).append(row)
        for shape, rows in groups.items():
            self.database.write(self.conn, self._statement(shape, lambda: update_statement(*shape[1:])), rows)
        self._updates.clear()

    def _statement(self, shape: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """The statement of this shape, built the first time: reusing it spares building it and its cache key."""
        statement = self._statements.get(shape)
        if statement is None:
            statement = self._statements[shape] = build()
        return statement

    def remember(self, key: Any, value: Any) -> None:
        """Keep a value the handlers will look up again; kept beyond the batch only if the batch commits, and then,
        unless it is the set-up's (projections/memory.py), until `memory` values more recently used push it out."""
        self._memory.remember(key, value)

    def recall(self, key: Any, default: Any = None) -> Any:
        """A value remembered by this batch or by a committed one not yet forgotten."""
        return self._memory.recall(key, default)

    @property
    def remembered(self) -> int:
        """How many values committed batches remembered that are not yet forgotten, beyond the set-up's."""
        return self._memory.forgettable

    def insert_tracking(self, tracking: Tracking, announce: bool = True) -> None:
        """Write the staged rows and advance the position, if still where the batch started (else IntegrityError)."""
        start = self.complete(tracking.notification_id)
        self.database.advance(self.conn, {self.key: (start, tracking.notification_id)}, announce)

    def complete(self, position: int) -> int:
        """Write the staged rows, ready to move to `position`; the batch's start, which `ViewDatabase.advance` checks."""
        if position <= self._batch_start:
            raise IntegrityError(f"position {position} is already applied to {self.key}")
        for finish in self.before_tracking:
            finish()
        self.flush()
        self._batch_end = position
        return self._batch_start

    def max_tracking_id(self, application_name: str) -> int | None:
        """The last position applied, or None before the first."""
        with self.database.reading() as conn:
            row = conn.execute(self._tracking_row()).first()
        return row.position if row is not None and row.position else None

    def wait(
        self,
        application_name: str,
        notification_id: int | None,
        timeout: float = 1.0,
        interrupt: Event | None = None,
        here: bool = False,
    ) -> None:
        """Block until `notification_id` is applied. This process's batches that commit it end the wait at once, with
        no read; else the tracking row is read every 5 ms, or every 50 ms if the view is projected `here` (by this
        process). Positions move back only when a view is dropped to be rebuilt: a rebuild by another process is not
        seen here, so a position this process committed still counts as applied meanwhile."""
        if notification_id is not None:
            look = partial(self.has_tracking_id, application_name, notification_id)
            self.commits.wait_until(notification_id, look, timeout, here, interrupt, name=self.key)

    def wait_for_commit(self, timeout: float) -> None:
        """Block until this process next commits a batch of this view, or `timeout` seconds."""
        self.commits.wait_for_next(timeout)

    def wake(self) -> None:
        """End every wait for this view's next commit now."""
        self.commits.settle(None)

    @property
    def position(self) -> int:
        """The last position applied (0 before the first)."""
        return self.max_tracking_id("") or 0

    def _tracking_row(self) -> Any:
        return select(self.tracking.c.position).where(self.tracking.c.projection == self.key)
