"""PostgreSQL: the few-row writes a projector's batch renders itself (see projections/tail.py), run by name on a
connection that has them prepared, so that the server parses and plans each shape once in the connection's life
rather than at every wake-up (which cost it more than running them). The first batch to use a shape on a connection
sends its PREPARE in the same message, just before it: no round trip more. A prepared statement outlives a
transaction that fails, so a connection whose message with PREPAREs in it failed is not used again (what it has
prepared is not known); a shape whose batch failed for any reason but a moved position or a lost connection is
sent as SQL from then on, in case its PREPARE was what the server refused."""

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

FEW_ROWS = 8  # a write of more rows is left to SQLAlchemy, which sends them as one multi-row INSERT


@dataclass(frozen=True)
class Rendering:
    """A write as the driver takes it, for rows of one set of keys: its SQL, its parameters' processing, and the
    values of the columns the rows leave to their (scalar) defaults; and the same as a prepared statement (its
    PREPARE, and its EXECUTE with the driver's parameters), unless its SQL has a `%` the driver would not unescape."""

    sql: str
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    defaults: dict[str, Any]
    name: str = ""
    prepare: str = ""
    execute: str | None = None

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
        return cls(sql, binds, defaults, name, f"PREPARE {name} AS {numbered}", f"EXECUTE {name}{arguments}")

    def parameters(self, row: dict[str, Any]) -> dict[str, Any]:
        """The driver's parameters for one row."""
        values = self.defaults | row
        return {name: values[name] if process is None else process(values[name]) for name, process in self.binds}


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
    """Hold back a write of a few rows, rendered here (SQLAlchemy's execution costs more than the rest of a
    one-event batch's Python), by name if its connection has it prepared, each row's SQL and parameters given to
    `observe` first; False if it is left to SQLAlchemy (many rows go best as its multi-row INSERT)."""
    if not held_back.open or len(rows) > FEW_ROWS:
        return False
    shapes = [(statement, tuple(sorted(row))) for row in rows]
    for shape in shapes:
        if shape not in renderings:
            renderings[shape] = Rendering.of(statement, shape[1], held_back.dialect)
    if any(renderings[shape] is None for shape in shapes):
        return False
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
