"""Statements sent through the driver itself (psycopg2) on a pooled connection of the autocommit engine: a command's
read of the log's newer events and its save, without the work SQLAlchemy does around each statement (a Connection,
an execution context, a result), which cost a command more than the server took to answer it.

A Core statement is compiled once, with its parameters' and columns' type processing looked up once, so its rows are
what SQLAlchemy would have given. A connection found dropped is invalidated in the pool; a read is then run once more
on a fresh one (as projections/reads.py does for the views), a save never (it may have committed); as the engine
does, the pool's other connections made before it are renewed when next checked out (a restarted server dropped
them all). Errors are SQLAlchemy's, as the engine would have raised them.

Between statements the driver keeps the connections it used (up to `keep`), checked out, ready for the next, each
used in turn: the pool's checkout and checkin of two connections cost a command about a fifth of its Python. One made
before the pool last learned of a dropped connection (found by this driver or by anything else on the engine) is
handed back to the pool, to be renewed, instead of used; all go back when the driver is closed."""

from __future__ import annotations

import hashlib
from collections import deque, namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy.exc
from psycopg2 import extensions
from sqlalchemy import CompoundSelect, Connection, Engine, Select, event

from domain.decoding import remembered

Processor = Callable[[Any], Any] | None
Query = Select[Any] | CompoundSelect[Any]  # a statement that reads rows
UUID_OID = 2950
_IDS = remembered(UUID)  # shared by every connection of the process


@dataclass(frozen=True)
class OnServer:
    """A statement the server parses and plans once per connection (PREPARE), then runs by name (EXECUTE): for the
    save's statement, parsing and planning cost the server more than running it."""

    name: str
    prepare: str
    execute: str

    @classmethod
    def of(cls, sql: str, markers: Sequence[str]) -> OnServer:
        """The statement with its driver parameters (`markers`, in order: `%s` once each, or `%(name)s`) numbered
        for the server; EXECUTE takes them in that order."""
        name = f"corral_{hashlib.sha256(sql.encode()).hexdigest()[:24]}"
        numbered = sql
        for number, marker in enumerate(markers, start=1):
            numbered = numbered.replace(marker, f"${number}", 1 if marker == "%s" else -1)
        arguments = f"({', '.join(markers)})" if markers else ""
        return cls(name, f"PREPARE {name} AS {numbered}", f"EXECUTE {name}{arguments}")


@dataclass(frozen=True)
class Prepared:
    """A Core statement as the driver takes it: its SQL, its parameters' names with their processing, and its rows'
    shape with their columns' processing."""

    on_server: OnServer
    binds: tuple[tuple[str, Processor], ...]
    row: Callable[..., Any]
    columns: tuple[Processor, ...]

    def params(self, values: dict[str, Any]) -> dict[str, Any]:
        """The driver's parameters from the statement's (each present, as the statement's shape promises)."""
        return {name: values[name] if process is None else process(values[name]) for name, process in self.binds}

    def rows(self, fetched: Sequence[Sequence[Any]]) -> list[Any]:
        """Named rows, their values processed as SQLAlchemy would (only the columns that have processing)."""
        row, processed = self.row, [(index, p) for index, p in enumerate(self.columns) if p is not None]
        if not processed:
            return [row(*values) for values in fetched]
        named = []
        for values in fetched:
            listed = list(values)
            for index, process in processed:
                listed[index] = process(listed[index])
            named.append(row(*listed))
        return named


class Driver:
    """Statements run on the autocommit engine's pooled connections through the driver itself."""

    def __init__(self, engine: Engine, keep: int = 0) -> None:
        self.engine, self.dialect, self.keep = engine, engine.dialect, keep
        self.errors: type[Exception] = self.dialect.loaded_dbapi.Error
        # connections kept checked out between statements, oldest-used first (a deque's append and popleft are
        # atomic; several threads checking in at once may keep one or two more than `keep`)
        self.idle: deque[Any] = deque()
        pool = engine.pool  # how many it may lend at once (a QueuePool's size and overflow)
        self.limit = getattr(pool, "size", lambda: 0)() + getattr(pool, "_max_overflow", 0)
        if self.dialect.driver == "psycopg2":
            event.listen(engine, "connect", _remembering_ids)

    def prepare(self, statement: Query) -> Prepared | None:
        """The statement compiled for the driver; None if it takes a list parameter (an IN of many values), which
        SQLAlchemy renders afresh for each list."""
        compiled = statement.compile(dialect=self.dialect)
        if any(bind.expanding for bind in compiled.binds.values()) or "%%" in compiled.string:
            return None
        binds = tuple(
            (name, bind.type.dialect_impl(self.dialect).bind_processor(self.dialect))
            for name, bind in compiled.binds.items()
        )
        selected = list(statement.selected_columns)
        columns = tuple(
            column.type.dialect_impl(self.dialect).result_processor(self.dialect, None) for column in selected
        )
        row = namedtuple("Row", [str(column.key) for column in selected], rename=True)  # type: ignore[misc]  # noqa: PYI024
        on_server = OnServer.of(compiled.string, [f"%({name})s" for name, _ in binds])
        return Prepared(on_server, binds, row, columns)

    def read(self, prepared: Prepared, values: dict[str, Any]) -> list[Any]:
        """The statement's rows, read once more on a fresh connection if the pooled one had been dropped."""
        statement = prepared.on_server
        return prepared.rows(self.run(statement.execute, prepared.params(values), retry=True, on_server=statement))

    def read_on(self, conn: Connection, prepared: Prepared, values: dict[str, Any], fallback: Query) -> list[Any]:
        """The statement's rows on a connection the caller holds (a request's shared read connection), prepared on it
        once in its life, and shown to the engine's cursor-execute listeners as if SQLAlchemy ran it (a test's count);
        if that connection was dropped, it is invalidated and `fallback` (the statement as SQLAlchemy runs it) is run
        on the caller's connection instead, which reconnects as `ReadConnection` does."""
        pooled, sql, params = conn.connection, prepared.on_server.execute, prepared.params(values)
        before, after = conn.dispatch.before_cursor_execute, conn.dispatch.after_cursor_execute
        cursor = _cursor(pooled)
        try:
            _prepare(pooled.info, cursor, prepared.on_server)
            if before:
                before(conn, cursor, sql, params, None, False)
            cursor.execute(sql, params)
            if after:
                after(conn, cursor, sql, params, None, False)
            return prepared.rows(cursor.fetchall())
        except self.errors as error:
            if not self.dialect.is_disconnect(error, pooled.dbapi_connection, cursor):  # type: ignore[arg-type]
                raise
            conn.invalidate(error)
        return list(conn.execute(fallback, values))

    def run(self, sql: str, params: Any, *, retry: bool = False, on_server: OnServer | None = None) -> Sequence[Any]:
        """The rows of one statement (or batch of statements) in driver form, committed by the server as it runs;
        the statement it EXECUTEs (`on_server`) is first prepared on the connection, once in its life."""
        retried = False
        while True:
            conn = self._checkout()
            cursor = None
            try:
                cursor = _cursor(conn)
                if on_server is not None:
                    _prepare(conn.info, cursor, on_server)
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description is not None else []
            except self.errors as error:
                dropped = self.dialect.is_disconnect(error, conn.dbapi_connection, cursor)  # type: ignore[arg-type]
                if dropped:  # as the engine does on a disconnect: this connection, and the pool's older ones, renewed
                    self.engine.pool._invalidate(conn, error)  # noqa: SLF001
                if dropped and retry and not retried:
                    retried = True
                    continue
                raise sqlalchemy.exc.DBAPIError.instance(
                    sql, params, error, self.errors, connection_invalidated=dropped, dialect=self.dialect
                ) from error
            finally:
                self._checkin(conn)

    def _checkout(self) -> Any:
        """A kept connection made since the pool last learned of a dropped one, else one from the pool."""
        while True:
            try:
                conn = self.idle.popleft()
            except IndexError:
                return self.engine.raw_connection()
            if conn._connection_record.starttime >= self.engine.pool._invalidate_time:  # noqa: SLF001
                return conn
            conn.close()  # back to the pool, which renews it

    def _checkin(self, conn: Any) -> None:
        """Kept, unless enough are or every connection the pool may lend is out (a thread may be waiting for one)."""
        pool = self.engine.pool
        if conn.is_valid and len(self.idle) < self.keep and pool.checkedout() < self.limit:  # type: ignore[attr-defined]
            self.idle.append(conn)
        else:
            conn.close()

    def close(self) -> None:
        """Give the connections kept between statements back to the pool."""
        while True:
            try:
                conn = self.idle.popleft()
            except IndexError:
                return
            conn.close()


def _cursor(pooled: Any) -> Any:
    """The pooled connection's own cursor, made once in its life and used for every statement the driver sends on it:
    a psycopg2 cursor holds nothing between statements but the last one's rows, and making and closing one for each
    statement cost a save about a twentieth of its Python (the pool forgets it when it reconnects, as below)."""
    cursor = pooled.info.get("corral_cursor")
    if cursor is None or cursor.closed:
        cursor = pooled.info["corral_cursor"] = pooled.cursor()
    return cursor


def _prepare(info: dict[Any, Any], cursor: Any, statement: OnServer) -> None:
    """PREPARE the statement unless this connection already has (the pool forgets what it had when it reconnects)."""
    prepared: set[str] = info.setdefault("corral_prepared", set())
    if statement.name not in prepared:
        cursor.execute(statement.prepare)
        prepared.add(statement.name)


def _remembering_ids(dbapi_connection: Any, _record: Any) -> None:
    """PostgreSQL's uuids read on this connection as psycopg2 reads them (`psycopg2.extras.register_uuid`, which
    SQLAlchemy registers), but remembered: a read of the log gives an aggregate's id with each of its events."""
    uuids = extensions.new_type((UUID_OID,), "UUID", lambda data, _cursor: data and _IDS(data))
    extensions.register_type(uuids, dbapi_connection)
