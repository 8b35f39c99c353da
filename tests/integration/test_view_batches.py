"""A projector's batch transaction on both databases: on PostgreSQL its writes are held back and sent with its next
read or its commit (projections/tail.py), and it keeps every promise a plain transaction made: a read sees the batch's
own writes, a position another writer moved refuses the whole batch, and a batch that fails leaves nothing behind."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy.exc
from sqlalchemy import Column, Integer, String, Table, delete, event, insert, select, text
from sqlalchemy.engine import Connection

from api.storage.settings import Settings
from projections.database import SafeText, UTCDateTime, ViewDatabase
from projections.prepared import FEW_ROWS
from projections.tail import HELD_BACK
from projections.view import PositionMovedError
from projections.writes import insert_new_statement, update_statement
from tests.integration.read_models import views_of

POSTGRES_ONLY = pytest.mark.parametrize(
    "settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def database(settings: Settings) -> Iterator[ViewDatabase]:
    with views_of(settings) as views:
        yield views.database


@pytest.fixture
def key(database: ViewDatabase) -> Iterator[str]:
    """A tracking row of its own, at position 10."""
    with tracking_row(database, 10) as named:
        yield named


@pytest.fixture
def other(database: ViewDatabase) -> Iterator[str]:
    """Another view's tracking row, at position 10."""
    with tracking_row(database, 10) as named:
        yield named


@contextmanager
def tracking_row(database: ViewDatabase, position: int) -> Iterator[str]:
    named = f"batch-{uuid.uuid4().hex[:12]}"
    with database.transaction() as conn:
        conn.execute(insert(database.tracking).values(projection=named, position=position))
    yield named
    with database.transaction() as conn:
        conn.execute(delete(database.tracking).where(database.tracking.c.projection == named))
        conn.execute(delete(database.faults).where(database.faults.c.projection == named))


@pytest.fixture
def notes(database: ViewDatabase) -> Iterator[Table]:
    """A table of its own: a key, text, a time, and a column the rows leave to its default."""
    table = Table(
        f"notes_{uuid.uuid4().hex[:12]}",
        database.metadata,
        Column("number", Integer, primary_key=True),
        Column("said", SafeText, nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("kind", String(20), nullable=False, default="plain"),
    )
    table.create(database.engine)
    yield table
    table.drop(database.engine)
    database.metadata.remove(table)


def note_fault(database: ViewDatabase, conn: Connection, key: str) -> None:
    """A write the batch holds back: a fault row for the view."""
    now = datetime.now(UTC)
    row = {"projection": key, "position": 11, "event_type": "E", "error": "e", "first_seen": now, "last_seen": now}
    with database.held(conn):
        conn.execute(insert(database.faults).values(row))


def faults_of(database: ViewDatabase, key: str) -> int:
    with database.engine.connect() as conn:
        return len(conn.execute(select(database.faults).where(database.faults.c.projection == key)).all())


def position_of(database: ViewDatabase, key: str) -> int:
    return database.positions([key])[key]


def test_a_batch_commits_its_held_writes_with_its_position(database: ViewDatabase, key: str) -> None:
    with database.batch() as conn:
        note_fault(database, conn, key)
        database.advance(conn, {key: (10, 12)})

    assert (faults_of(database, key), position_of(database, key)) == (1, 12)


def test_a_read_in_a_batch_sees_the_writes_it_held_back(database: ViewDatabase, key: str) -> None:
    faults = database.faults
    with database.batch() as conn:
        note_fault(database, conn, key)
        seen = conn.execute(select(faults.c.position).where(faults.c.projection == key)).scalar()
        database.advance(conn, {key: (10, 12)})

    assert (seen, faults_of(database, key), position_of(database, key)) == (11, 1, 12)


@pytest.mark.parametrize("reads_first", [False, True], ids=["writes only", "after a read"])
def test_a_batch_whose_position_another_writer_moved_leaves_nothing_behind(
    database: ViewDatabase, key: str, reads_first: bool
) -> None:
    with database.transaction() as conn:  # a rebuild moved it since the batch read it
        conn.execute(database.tracking.update().where(database.tracking.c.projection == key).values(position=20))

    with pytest.raises(PositionMovedError, match="moved on since this batch began"), database.batch() as conn:
        if reads_first:
            conn.execute(select(database.tracking)).all()
        note_fault(database, conn, key)
        database.advance(conn, {key: (10, 12)})

    assert (faults_of(database, key), position_of(database, key)) == (0, 20)
    with database.batch() as conn:  # and the connection it ran on serves the next batch
        database.advance(conn, {key: (20, 21)})
    assert position_of(database, key) == 21


def move_to(database: ViewDatabase, key: str, position: int) -> None:
    """Another writer (a rebuild) moves the view's position."""
    with database.transaction() as conn:
        conn.execute(database.tracking.update().where(database.tracking.c.projection == key).values(position=position))


def test_views_whose_batches_started_at_different_positions_move_together_to_where_they_reached(
    database: ViewDatabase, key: str, other: str
) -> None:
    move_to(database, other, 15)  # a view that was stuck, or new, is behind the others

    with database.batch() as conn:
        note_fault(database, conn, key)
        database.advance(conn, {key: (10, 20), other: (15, 20)})

    assert (faults_of(database, key), database.positions([key, other])) == (1, {key: 20, other: 20})


@pytest.mark.parametrize("others_start", [10, 15], ids=["alike", "from different positions"])
def test_one_view_moved_by_another_writer_refuses_every_view_s_move_in_the_batch(
    database: ViewDatabase, key: str, other: str, others_start: int
) -> None:
    move_to(database, other, others_start)
    move_to(database, other, 30)  # then a rebuild moved it since the batch read it

    with pytest.raises(PositionMovedError, match="moved on since this batch began"), database.batch() as conn:
        note_fault(database, conn, key)
        database.advance(conn, {key: (10, 20), other: (others_start, 20)})

    assert (faults_of(database, key), database.positions([key, other])) == (0, {key: 10, other: 30})


def test_a_batch_that_fails_after_sending_part_of_itself_rolls_it_back(database: ViewDatabase, key: str) -> None:
    with pytest.raises(RuntimeError, match="a handler's bug"), database.batch() as conn:
        note_fault(database, conn, key)
        conn.execute(select(database.tracking)).all()  # the held write goes with this read
        raise RuntimeError("a handler's bug")

    assert faults_of(database, key) == 0
    with database.batch() as conn:
        database.advance(conn, {key: (10, 11)})
    assert position_of(database, key) == 11


def backend_of_batches(database: ViewDatabase) -> int:
    """The server process behind the connection the next batch is given."""
    with database.batch() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def end_session(database: ViewDatabase, backend: int) -> None:
    with database.transaction() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})


@POSTGRES_ONLY
def test_a_batch_that_only_writes_is_sent_again_on_a_fresh_connection_when_its_own_was_dropped(
    database: ViewDatabase, key: str
) -> None:
    end_session(database, backend_of_batches(database))  # a restarted server, an operator's pg_terminate_backend

    with database.batch() as conn:
        note_fault(database, conn, key)
        database.advance(conn, {key: (10, 12)})

    assert (faults_of(database, key), position_of(database, key)) == (1, 12)


@POSTGRES_ONLY
def test_a_batch_run_by_statements_its_connection_prepared_is_sent_again_on_a_fresh_connection_that_prepares_them(
    database: ViewDatabase, key: str
) -> None:
    with database.batch() as conn:  # its message prepares the tracking update and its check, then runs them
        database.advance(conn, {key: (10, 11)})
    with database.batch() as conn:
        backend = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        database.advance(conn, {key: (11, 12)})  # run by name
    end_session(database, backend)

    with database.batch() as conn:
        note_fault(database, conn, key)
        database.advance(conn, {key: (12, 13)})

    assert (faults_of(database, key), position_of(database, key)) == (1, 13)


@POSTGRES_ONLY
def test_a_write_prepared_on_a_batch_s_connection_runs_by_name_and_refuses_a_moved_position_as_before(
    database: ViewDatabase, key: str
) -> None:
    sent: list[bytes] = []
    with database.batch() as conn:
        database.advance(conn, {key: (10, 11)})
    move_to(database, key, 20)

    with pytest.raises(PositionMovedError), database.batch() as conn:
        note_fault(database, conn, key)
        database.advance(conn, {key: (11, 12)})
        sent.extend(conn.connection.info[HELD_BACK].leading)

    assert sent[0].startswith(b"EXECUTE corral_w_")
    assert (faults_of(database, key), position_of(database, key)) == (0, 20)


@POSTGRES_ONLY
def test_a_batch_that_reads_on_a_dropped_connection_fails_and_the_next_one_connects_afresh(
    database: ViewDatabase, key: str
) -> None:
    end_session(database, backend_of_batches(database))

    with pytest.raises(sqlalchemy.exc.OperationalError), database.batch() as conn:
        note_fault(database, conn, key)
        conn.execute(select(database.tracking)).all()

    with database.batch() as conn:
        database.advance(conn, {key: (10, 11)})
    assert (faults_of(database, key), position_of(database, key)) == (0, 11)


def test_many_rows_a_batch_writes_go_as_one_statement_and_read_back_as_written(
    database: ViewDatabase, key: str, notes: Table
) -> None:
    at = datetime(2026, 3, 31, 23, 59, 59, 123456, tzinfo=UTC)
    awkward = ["it's 100% done", "back\\slash", "%(number)s", "", "line\nbreak", "€ and 😀"]
    first = [{"number": n, "said": awkward[n % len(awkward)], "at": at} for n in range(FEW_ROWS * 3)]
    again = [{"number": n, "said": "written again", "at": at} for n in range(FEW_ROWS * 2, FEW_ROWS * 4)]
    renamed = [{"k_number": n, "v_said": f"renamed {n}"} for n in range(FEW_ROWS + 1)]
    inserts: list[object] = []

    def count(_conn: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        if statement.lstrip().upper().startswith("INSERT") and notes.name in statement:
            inserts.append(parameters)

    event.listen(database.batches, "before_cursor_execute", count)
    try:
        with database.batch() as conn:
            database.write(conn, insert(notes), first)
            database.write(conn, insert_new_statement(conn, notes), again)  # the first third of these are there
            database.write(conn, update_statement(notes, ("number",), ("said",)), renamed)
            database.advance(conn, {key: (10, 12)})
    finally:
        event.remove(database.batches, "before_cursor_execute", count)

    with database.engine.connect() as conn:
        rows = conn.execute(select(notes).order_by(notes.c.number)).all()
    said = [r["said"] for r in first] + [r["said"] for r in again[FEW_ROWS:]]
    said[: len(renamed)] = [r["v_said"] for r in renamed]
    assert [tuple(row) for row in rows] == [(n, words, at, "plain") for n, words in enumerate(said)]
    assert len(inserts) == 2
    if not database.is_sqlite:  # rendered by the batch itself, every row's values in the statement
        assert inserts == [{}, {}]
    assert position_of(database, key) == 12
