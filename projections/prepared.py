"""PostgreSQL: the writes a projector's batch renders itself (see projections/tail.py), not through SQLAlchemy, whose
execution cost more than the rest of a wake-up's Python and a fifth of a rebuild's.

An INSERT of many rows (a rebuild's batch) goes as one multi-row statement, each row interpolated by the driver, as
SQLAlchemy would have sent it. Other writes go row by row, run by name on a connection that has them prepared, so
that the server parses and plans each shape once in the connection's life rather than at every wake-up (which cost
it more than running them). The first batch to use a shape on a connection sends its PREPARE in the same message,
just before it: no round trip more. A prepared statement outlives a transaction that fails, so a connection whose
message with PREPAREs in it failed is not used again (what it has prepared is not known); a shape whose batch failed
for any reason but a moved position or a lost connection is sent as SQL from then on, in case its PREPARE was what
the server refused."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psycopg2
import psycopg2.extensions
import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError
from sqlalchemy import Insert

if TYPE_CHECKING:
    from projections.tail import HeldBack

FEW_ROWS = 8  # an INSERT of more rows goes as one multi-row statement


@dataclass(frozen=True)
class Rendering:
    """A write as the driver takes it, for rows of one set of keys: its SQL, its parameters' processing, and the
    values of the columns the rows leave to their (scalar) defaults; and the same as a prepared statement (its
    PREPARE, and its EXECUTE with the driver's parameters), unless its SQL has a `%` the driver would not unescape.
    An INSERT's SQL is also kept split around its row of values (`many`: what goes before, the row, what goes after),
    to send many rows in one statement."""

    sql: str
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    defaults: dict[str, Any]
    name: str = ""
    prepare: str = ""
    execute: str | None = None
    many: tuple[bytes, str, bytes] | None = None

    @classmethod
    def of(cls, statement: Any, keys: tuple[str, ...], dialect: Any) -> Rendering | None:
        """None unless every parameter is a row's value or a scalar default (else SQLAlchemy runs it)."""
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        columns: Any = statement.table.c if isinstance(statement, Insert) else {}
        defaults = {}
        for name in compiled.binds:
            if name not in keys:
                default = columns[name].default if name in columns else None
                if default is None or not default.is_scalar:
                    return None
                defaults[name] = default.arg
        impls = ((name, bind.type.dialect_impl(dialect)) for name, bind in compiled.binds.items())
        binds = tuple((name, impl.bind_processor(dialect)) for name, impl in impls)
        sql = compiled.string
        if "%%" in sql:
            return cls(sql, binds, defaults)
        name, numbered = f"corral_w_{hashlib.sha256(sql.encode()).hexdigest()[:24]}", sql
        for number, (bind, _) in enumerate(binds, start=1):
            numbered = numbered.replace(f"%({bind})s", f"${number}")
        arguments = f"({', '.join(f'%({bind})s' for bind, _ in binds)})" if binds else ""
        many = _split_at_values(sql, arguments) if isinstance(statement, Insert) and binds else None
        return cls(sql, binds, defaults, name, f"PREPARE {name} AS {numbered}", f"EXECUTE {name}{arguments}", many)

    def parameters(self, row: dict[str, Any]) -> dict[str, Any]:
        """The driver's parameters for one row."""
        values = self.defaults | row
        return {name: values[name] if process is None else process(values[name]) for name, process in self.binds}


def _split_at_values(sql: str, row: str) -> tuple[bytes, str, bytes] | None:
    """An INSERT's SQL before its row of values and after it; None unless the row is there, once, as rendered, and
    the INSERT updates no row it meets (a key repeated among many rows would make the server refuse it)."""
    before, found, after = sql.partition(f" VALUES {row}")
    if not found or row in after or "DO UPDATE" in after.upper():
        return None
    return f"{before} VALUES ".encode(), row, after.encode()


_AS_SQL: set[str] = set()  # shapes (by name) sent as SQL from now on, in every connection of the process


@dataclass
class Prepared:
    """The statements a connection has prepared, by name, and those PREPAREd in messages not yet answered."""

    names: set[str] = field(default_factory=set)
    pending: set[str] = field(default_factory=set)

    def answered(self) -> None:
        """A message was answered: what it PREPAREd is prepared."""
        if self.pending:
            self.names |= self.pending
            self.pending.clear()

    def failed(self, error: BaseException) -> bool:
        """A batch failed: True if a message with PREPAREs in it went unanswered, so that its connection may hold
        prepared statements it does not know of (and should not be used again). Unless a moved position or a lost
        connection was the cause, the shapes it was preparing are sent as SQL from then on, in case the server
        refused one."""
        pending, self.pending = self.pending, set()
        from_server = isinstance(error, psycopg2.Error | sqlalchemy.exc.DBAPIError | IntegrityError)
        dropped = isinstance(error, psycopg2.OperationalError) or getattr(error, "connection_invalidated", False)
        if pending and from_server and not isinstance(error, IntegrityError) and not dropped:
            _AS_SQL.update(pending)
        return bool(pending) and from_server

    def prepare(self, cursor: Any, statements: dict[str, str]) -> None:
        """PREPARE on the cursor's connection (in autocommit, outside any batch), one round trip each, every one of
        `statements` (by name) it has not: for a message sent again on a fresh connection."""
        for name, prepare in statements.items():
            if name not in self.names:
                psycopg2.extensions.cursor.execute(cursor, prepare)
                self.names.add(name)


def hold_rows(
    held_back: HeldBack,
    statement: Any,
    rows: list[dict[str, Any]],
    renderings: dict[Any, Any],
    observe: Callable[[str, dict[str, Any]], None] | None = None,
) -> bool:
    """Hold back a write rendered here (SQLAlchemy's execution costs more than the rest of a one-event batch's
    Python, and a fifth of a rebuild's): many rows of an INSERT as one multi-row INSERT, as SQLAlchemy would have sent
    them; a few rows, or many of an UPDATE, one by one, by name if its connection has it prepared. Each statement's
    SQL and parameters go to `observe` first. False if it is left to SQLAlchemy: a statement this cannot render, or
    many rows whose keys differ (SQLAlchemy refuses a row that lacks one, as before)."""
    if not held_back.open:
        return False
    shapes = [(statement, tuple(sorted(row))) for row in rows]
    for shape in shapes:
        if shape not in renderings:
            renderings[shape] = Rendering.of(statement, shape[1], held_back.dialect)
    if any(renderings[shape] is None for shape in shapes):
        return False
    if len(rows) > FEW_ROWS:
        if any(shape[1] != shapes[0][1] for shape in shapes):
            return False
        if isinstance(statement, Insert):
            return _hold_many(held_back, renderings[shapes[0]], rows, observe)
    mogrify, prepared = held_back.cursor.mogrify, held_back.prepared
    for shape, row in zip(shapes, rows, strict=True):
        rendering, parameters = renderings[shape], renderings[shape].parameters(row)
        if observe is not None:
            observe(rendering.sql, parameters)
        name = rendering.name
        if rendering.execute is None or name in _AS_SQL:
            held_back.statements.append(mogrify(rendering.sql, parameters))
            continue
        if name not in prepared.names and name not in prepared.pending:
            held_back.statements.append(rendering.prepare.encode())
            prepared.pending.add(name)
        held_back.used[name] = rendering.prepare
        held_back.statements.append(mogrify(rendering.execute, parameters))
    return True


def _hold_many(
    held_back: HeldBack,
    rendering: Rendering,
    rows: list[dict[str, Any]],
    observe: Callable[[str, dict[str, Any]], None] | None,
) -> bool:
    """Many rows of one INSERT's shape held back as one multi-row INSERT, each row interpolated by the driver and the
    whole given to `observe` with no parameters left; False (SQLAlchemy's multi-row INSERT) unless the statement can
    be split at its values."""
    if rendering.many is None:
        return False
    before, row, after = rendering.many
    mogrify, parameters = held_back.cursor.mogrify, rendering.parameters
    sql = b"".join((before, b",".join([mogrify(row, parameters(values)) for values in rows]), after))
    if observe is not None:
        observe(sql.decode(), {})
    held_back.statements.append(sql)
    return True
