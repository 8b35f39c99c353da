"""PostgreSQL: a projector batch's transaction in as few round trips as it takes.

psycopg2 sends BEGIN as a round trip of its own, then each statement, then COMMIT. A batch's connection here is in
the driver's autocommit mode, and its cursors hold back what the views write (`HeldBack.holding`): interpolated by
the driver on the client, the held statements go to the server with the next statement that must be answered (a
read), behind a BEGIN if none was sent yet; what is still held at the end goes as one message. A message of several
statements with no BEGIN in it is one transaction on the server: it commits after the last, and nothing of it if one
fails. So a batch whose handlers only write (the usual wake-up) is one round trip, its tracking update and its
check included (see `checked_advance`); one that read mid-batch ends with its held statements and COMMIT together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from typing import Any

import psycopg2
import psycopg2.extensions
import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError
from sqlalchemy import (
    BigInteger,
    Integer,
    Table,
    Text,
    Update,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

HELD_BACK = "corral_held_back"  # the key of a batch connection's HeldBack in its pool record's info
# What the check of the tracking update says when a position moved: it makes the server refuse the transaction by
# casting this text, followed by how many rows moved, to an integer (plain SQL has no RAISE).
MOVED = "corral: a view position moved on, rows moved "


class PositionMovedError(IntegrityError):
    """Another writer (a rebuild) moved the view's position since the batch read it: read it again."""


class HeldBack:
    """The statements a batch connection holds back, whether it began a transaction on the server, and whether a
    batch is open on it at all (outside one, its cursors are the driver's own)."""

    def __init__(self) -> None:
        self.open = self.holding = self.begun = False
        self.leading: list[bytes] = []  # the tracking update: the first of the transaction's last message
        self.statements: list[bytes] = []

    def start(self) -> None:
        """A batch begins: nothing held, no transaction yet."""
        self.open, self.holding, self.begun = True, False, False
        self.leading, self.statements = [], []

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
        self.leading, self.statements = [], []


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

    def executemany(self, query: Any, vars_list: Iterable[Any]) -> None:
        if not self.held_back.open:
            super().executemany(query, vars_list)
            return
        for values in vars_list:
            self.execute(query, values)


def hold_back_on_connect(dbapi_connection: Any, record: Any) -> None:
    """Give a new batch connection its HeldBack, shared by every cursor it opens."""
    held_back = record.info[HELD_BACK] = HeldBack()
    dbapi_connection.cursor_factory = partial(HoldingCursor, held_back=held_back)


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
                _commit(engine, fairy, message, again=whole)
        except BaseException:
            if held_back.begun and fairy.dbapi_connection is not None and not fairy.dbapi_connection.closed:
                _rollback(fairy)
            raise
        finally:
            held_back.end()


def _commit(engine: Engine, fairy: Any, message: bytes, again: bool) -> None:
    """Send the batch's last message; `again` on a fresh connection if this one was found dropped."""
    cursor = fairy.dbapi_connection.cursor()
    try:
        send(cursor, message)
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
    fresh = engine.raw_connection()
    try:
        _commit(engine, fresh, message, again=False)
    finally:
        fresh.close()


def _rollback(fairy: Any) -> None:
    """End the transaction the server began; a connection that cannot is not pooled again."""
    try:
        with fairy.dbapi_connection.cursor() as cursor:
            psycopg2.extensions.cursor.execute(cursor, b"ROLLBACK")
    except psycopg2.Error as error:
        fairy.invalidate(error)


def moved(error: BaseException | None) -> bool:
    """True when the server refused a tracking update's check (see `checked_advance`)."""
    return isinstance(error, psycopg2.errors.InvalidTextRepresentation) and MOVED in str(error)


def checked_advance(update: Update, views: int) -> Any:
    """The tracking `update` (RETURNING one column per row moved) as one statement that fails unless it moved
    exactly `views` rows: the check the server makes before the commit sent in the same message."""
    moved_rows = update.cte("moved")
    count = func.count()
    refusal = cast(literal(MOVED) + cast(count, Text), Integer)
    return select(case((count == literal(views, BigInteger), literal(views)), else_=refusal)).select_from(moved_rows)


def advance_statement(tracking: Table, views: int, announce: bool, checked: bool) -> Any:
    """The UPDATE moving `views` tracking rows, each named by `view_<n>` from `start_<n>` to `position_<n>`; with
    `announce`, each new position NOTIFYed on `channel` as it commits; `checked` (PostgreSQL), one that fails
    unless every row moved (see `checked_advance`)."""
    c = tracking.c
    named = [c.projection == bindparam(f"view_{number}") for number in range(views)]
    statement = (
        update(tracking)
        .where(or_(*(and_(is_view, c.position == bindparam(f"start_{n}")) for n, is_view in enumerate(named))))
        .values(
            position=case(
                *((is_view, bindparam(f"position_{n}", type_=BigInteger)) for n, is_view in enumerate(named)),
                else_=c.position,
            )
        )
    )
    if announce:
        payload = c.projection + literal(" ") + cast(c.position, Text)
        statement = statement.returning(func.pg_notify(bindparam("channel"), payload))
    elif checked:
        statement = statement.returning(c.projection)
    return checked_advance(statement, views) if checked else statement
