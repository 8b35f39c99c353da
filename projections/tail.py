"""PostgreSQL: a projector batch's transaction in as few round trips as it takes.

psycopg2 sends BEGIN as a round trip of its own, then each statement, then COMMIT. A batch's connection here is in
the driver's autocommit mode, and its cursors hold back what the views write (`HeldBack.holding`): interpolated by
the driver on the client, the held statements go to the server with the next statement that must be answered (a
read), behind a BEGIN if none was sent yet; what is still held at the end goes as one message. A message of several
statements with no BEGIN in it is one transaction on the server: it commits after the last, and nothing of it if one
fails. So a batch whose handlers only write (the usual wake-up) is one round trip, its tracking update and its
check included (see `advancing.position_check`); one that read mid-batch ends with its held statements and COMMIT
together.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from typing import Any

import psycopg2
import psycopg2.extensions
import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Dialect, Engine

from projections.prepared import Prepared

HELD_BACK = "corral_held_back"  # the key of a batch connection's HeldBack in its pool record's info
# What the check of the tracking update says when a position moved: it makes the server refuse the transaction by
# casting this text, followed by how many rows moved, to an integer (plain SQL has no RAISE). Its token is this
# process's own, so no other failed cast (a handler's, of text a user wrote) can be taken for it.
MOVED = f"corral {secrets.token_hex(8)}: a view position moved on, rows moved "
_REFUSAL = re.compile(f"{re.escape(MOVED)}\\d+")


class PositionMovedError(IntegrityError):
    """Another writer (a rebuild) moved the view's position since the batch read it: read it again."""


class HeldBack:
    """The statements a batch connection holds back, whether it began a transaction on the server, and whether a
    batch is open on it at all (outside one, its cursors are the driver's own)."""

    def __init__(self, cursor: psycopg2.extensions.cursor, dialect: Dialect) -> None:
        self.cursor, self.dialect = cursor, dialect  # the connection's, to render statements with
        self.open = self.holding = self.begun = False
        self.leading: list[bytes] = []  # the tracking update: the first of the transaction's last message
        self.statements: list[bytes] = []
        self.prepared = Prepared()  # the statements its connection has prepared (see projections/prepared.py)
        self.used: dict[str, str] = {}  # the open batch's statements that can be prepared: their PREPAREs by name

    def start(self) -> None:
        """A batch begins: nothing held, no transaction yet."""
        self.open, self.holding, self.begun = True, False, False
        self.leading, self.statements, self.used = [], [], {}
        self.prepared.pending.clear()

    @contextmanager
    def held(self, leading: bool = False) -> Iterator[None]:
        """Hold back the statements run in the block (writes that nothing reads the answer of); `leading`, ahead of
        what is held already."""
        holding, self.holding = self.holding, self.open
        into, self.statements = self.statements, self.leading if leading else self.statements
        try:
            yield
        finally:
            self.holding, self.statements = holding, into

    def message(self, statement: bytes | None) -> bytes:
        """What is held and `statement` in one message, behind BEGIN if the batch has not begun; with no
        `statement`, the batch's last: what is held, with COMMIT if it began (else the message is the transaction)."""
        parts = [*self.leading, *self.statements]
        if statement is not None:
            parts, self.begun = ([*parts, statement] if self.begun else [b"BEGIN", *parts, statement]), True
        elif self.begun:
            parts.append(b"COMMIT")
        self.leading, self.statements = [], []
        return b";\n".join(parts)

    def end(self) -> None:
        """The batch is over."""
        self.open = self.holding = self.begun = False
        self.leading, self.statements, self.used = [], [], {}


def send(cursor: psycopg2.extensions.cursor, message: bytes) -> None:
    """Send a message of statements, bare; a refused tracking update raises PositionMovedError."""
    try:
        psycopg2.extensions.cursor.execute(cursor, message)
    except psycopg2.Error as error:
        if moved(error):
            raise PositionMovedError("one of the views moved on since this batch began") from error
        raise


class HoldingCursor(psycopg2.extensions.cursor):
    """A cursor of a batch connection: it holds back what is run while its connection holds, and sends the rest
    with what was held."""

    def __init__(self, conn: Any, name: str | None = None, *, held_back: HeldBack) -> None:
        super().__init__(conn, name)
        self.held_back = held_back

    def execute(self, query: Any, vars: Any = None) -> None:  # noqa: A002 - the driver's own name
        held_back = self.held_back
        if not held_back.open:
            super().execute(query, vars)
        elif held_back.holding:
            held_back.statements.append(self.mogrify(query, vars))
        else:
            send(self, held_back.message(self.mogrify(query, vars)))
            held_back.prepared.answered()

    def executemany(self, query: Any, vars_list: Iterable[Any]) -> None:
        if not self.held_back.open:
            super().executemany(query, vars_list)
            return
        for values in vars_list:
            self.execute(query, values)


def batch_engine(url: str, connect_args: dict[str, Any], events_of: Engine) -> Engine:
    """An engine for batches: autocommit in the driver, each connection with its HeldBack, and no ping on checkout
    (see `batch_on`); a pool of its own, with the events of `events_of` (the views' engine) as an option of it would
    have them."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", connect_args=connect_args)
    engine.dispatch = engine.dispatch._join(events_of.dispatch)  # noqa: SLF001 - as Engine.execution_options does
    engine._has_events = True  # noqa: SLF001 - a listener added to `events_of` later runs here too

    def connected(dbapi_connection: Any, record: Any) -> None:
        held_back = record.info[HELD_BACK] = HeldBack(dbapi_connection.cursor(), engine.dialect)
        dbapi_connection.cursor_factory = partial(HoldingCursor, held_back=held_back)

    event.listen(engine, "connect", connected)
    return engine


@contextmanager
def batch_on(engine: Engine) -> Iterator[Connection]:
    """A batch's transaction on a connection of `engine` (autocommit, connected with `hold_back_on_connect`): what
    it holds back is sent and committed as the block ends, else what the server began is rolled back. Errors are
    SQLAlchemy's, as the engine raises them; a connection found dropped is renewed, with the pool's older ones.

    The engine does not ping a connection as it is checked out. A batch whose last message is its whole transaction
    (it read nothing) is sent once more on a fresh connection if its own was found dropped: its tracking update
    leads it, so if the first had committed after all, the server refuses the second (PositionMovedError)."""
    with engine.connect() as conn:
        fairy = conn.connection
        held_back: HeldBack = fairy.info[HELD_BACK]
        held_back.start()
        try:
            with conn.begin():
                yield conn
            whole, message = not held_back.begun, held_back.message(None)
            if message:
                _commit(engine, fairy, message, again=whole, used=held_back.used)
        except BaseException as error:
            if held_back.prepared.failed(error):
                if fairy.dbapi_connection is not None:
                    fairy.invalidate(error)
            elif held_back.begun and fairy.dbapi_connection is not None and not fairy.dbapi_connection.closed:
                _rollback(fairy)
            raise
        finally:
            held_back.end()


def _commit(engine: Engine, fairy: Any, message: bytes, again: bool, used: dict[str, str], fresh: bool = False) -> None:
    """Send the batch's last message; `again` on a fresh connection if this one was found dropped, which first
    prepares the statements the message may run by name (`used`)."""
    cursor, prepared = fairy.dbapi_connection.cursor(), fairy.info[HELD_BACK].prepared
    try:
        if fresh:  # what the message runs by name, other than what it PREPAREs itself
            prepared.prepare(
                cursor, {name: sql for name, sql in used.items() if f"PREPARE {name} ".encode() not in message}
            )
        send(cursor, message)
        if fresh:
            prepared.names.update(used)
        prepared.answered()
    except psycopg2.Error as error:
        dropped = engine.dialect.is_disconnect(error, fairy.dbapi_connection, cursor)  # type: ignore[arg-type]
        if dropped:
            engine.pool._invalidate(fairy, error)  # noqa: SLF001 - as the engine does on a disconnect
        if not (dropped and again):
            raise sqlalchemy.exc.DBAPIError.instance(
                "COMMIT", None, error, psycopg2.Error, connection_invalidated=dropped, dialect=engine.dialect
            ) from error
    else:
        return
    finally:
        with suppress(psycopg2.Error):
            cursor.close()
    renewed = engine.raw_connection()
    try:
        _commit(engine, renewed, message, again=False, used=used, fresh=True)
    finally:
        renewed.close()


def _rollback(fairy: Any) -> None:
    """End the transaction the server began; a connection that cannot is not pooled again."""
    try:
        with fairy.dbapi_connection.cursor() as cursor:
            psycopg2.extensions.cursor.execute(cursor, b"ROLLBACK")
    except psycopg2.Error as error:
        fairy.invalidate(error)


def moved(error: BaseException | None) -> bool:
    """True when the server refused a tracking update's check (see `advancing.position_check`), whatever language it
    words the rest of its message in."""
    return isinstance(error, psycopg2.errors.InvalidTextRepresentation) and _REFUSAL.search(str(error)) is not None
