"""A batch's end: every view's tracking row moved from where its batch started to where it reached, in one UPDATE
for the views that moved alike (a wake-up's usual batch, every view from one position to the next), announced on
PostgreSQL as it commits, and refused as a whole if another writer moved one meanwhile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Table,
    Text,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from projections.tail import HELD_BACK, MOVED, HeldBack, PositionMovedError

if TYPE_CHECKING:
    from projections.database import ViewDatabase


def position_check(tracking: Table, views: int) -> Any:
    """A statement that fails the transaction unless it moved the tracking rows of `views` views (named by
    `view_<n>`): the rows whose current version this transaction wrote. Sent after the tracking update, it is the
    check the server makes before the commit that goes in the same message."""
    c, count = tracking.c, func.count()
    # Literals, not parameters: the check is rendered once a shape and interpolated by the driver (see `hold_rows`).
    refusal = cast(literal_column(f"'{MOVED}'") + cast(count, Text), Integer)
    return (
        select(case((count == literal_column(str(views)), literal_column(str(views))), else_=refusal))
        .where(c.projection.in_([bindparam(f"view_{n}") for n in range(views)]))
        .where(text("xmin = pg_current_xact_id()::xid"))
    )


def advance_statement(tracking: Table, views: int, announce: bool) -> Any:
    """The UPDATE moving the tracking rows of `views` views (named by `view_<n>`) from `start` to `reached`; with
    `announce`, each new position NOTIFYed on `channel` as it commits."""
    c = tracking.c
    statement = (
        update(tracking)
        .where(c.projection.in_([bindparam(f"view_{n}") for n in range(views)]), c.position == bindparam("start"))
        .values(position=bindparam("reached", type_=BigInteger))
    )
    if announce:
        payload = c.projection + literal_column("' '") + cast(c.position, Text)
        statement = statement.returning(func.pg_notify(bindparam("channel"), payload))
    return statement


class Advancing:
    """The tracking statements of one database, each shape built once."""

    def __init__(self, database: ViewDatabase) -> None:
        self.database = database
        self._updates: dict[tuple[int, bool], Any] = {}  # by (views moved, announced)
        self._checks: dict[int, Any] = {}  # by views moved

    def advance(self, conn: Connection, moves: dict[str, tuple[int, int]], announce: bool) -> None:
        """See `ViewDatabase.advance`."""
        database = self.database
        alike: dict[tuple[int, int], list[str]] = {}
        for view, move in moves.items():
            alike.setdefault(move, []).append(view)
        channel = {"channel": database.views_channel} if announce else {}
        updates = [
            (self._update(len(views), announce), _named(views, *move) | channel) for move, views in alike.items()
        ]
        held_back: HeldBack | None = conn.connection.info.get(HELD_BACK)
        if held_back is not None and held_back.open:  # the server checks it, in the message that commits
            with held_back.held(leading=True):
                for statement, parameters in updates:
                    database.write(conn, statement, [parameters])
                database.write(conn, self._check(len(moves)), [_named(list(moves))])
            return
        moved = 0
        for statement, parameters in updates:
            result = conn.execute(statement, parameters)
            moved += len(result.all()) if announce else result.rowcount
        if moved != len(moves):
            raise PositionMovedError(f"one of {', '.join(moves)} moved on since this batch began")

    def _update(self, views: int, announce: bool) -> Any:
        statement = self._updates.get((views, announce))
        if statement is None:
            statement = self._updates[views, announce] = advance_statement(self.database.tracking, views, announce)
        return statement

    def _check(self, views: int) -> Any:
        check = self._checks.get(views)
        if check is None:
            check = self._checks[views] = position_check(self.database.tracking, views)
        return check


def _named(views: list[str], start: int | None = None, reached: int | None = None) -> dict[str, Any]:
    """The parameters naming `views` (`view_<n>`) in a tracking statement, and where they move from and to."""
    named: dict[str, Any] = {f"view_{number}": view for number, view in enumerate(views)}
    return named if start is None else named | {"start": start, "reached": reached}
