"""The views are read on PostgreSQL at the cost of their statements alone: no ping on checkout, no transaction begun
or ended, no isolation switched; a connection the server dropped is replaced by retrying the read once; and the
read connections take no writes. Counted on the wire, by a proxy in front of the server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest
from sqlalchemy import text
from sqlalchemy.exc import InternalError

from projections.database import ViewDatabase
from projections.reads import sharing_reads
from tests.conftest import POSTGRES_URL, _postgres_dsn, fresh_schema
from tests.integration.test_round_trips import CountingProxy

pytestmark = pytest.mark.postgres
READS = 10
VIEW = "progress_v1"


@contextmanager
def views_database(postgres_available: bool, port: int = 5432) -> Iterator[ViewDatabase]:
    """The views' database of a fresh schema, reached at `port`."""
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with fresh_schema() as schema:
        database = ViewDatabase(POSTGRES_URL.replace("127.0.0.1:5432", f"127.0.0.1:{port}"), schema)
        database.create_all(database.metadata)
        try:
            yield database
        finally:
            database.close()


@pytest.fixture
def proxied(postgres_available: bool) -> Iterator[tuple[CountingProxy, ViewDatabase]]:
    """The views' database, reached through a counting proxy."""
    proxy = CountingProxy("127.0.0.1", 5432)
    with views_database(postgres_available, proxy.port) as database:
        yield proxy, database
    proxy.listener.close()


@pytest.fixture
def direct(postgres_available: bool) -> Iterator[ViewDatabase]:
    """The views' database, reached directly: a connection the server ends is seen to end at once (through the
    proxy it would not be)."""
    with views_database(postgres_available) as database:
        yield database


def backend(database: ViewDatabase) -> int:
    """The server process behind the connection a read is given."""
    with database.reading() as conn:
        pid: int = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        return pid


def terminated(pid: int) -> None:
    """The server ends that process, as a restart or an administrator would, from a connection of its own."""
    admin = psycopg2.connect(_postgres_dsn())
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
    finally:
        admin.close()


def test_each_read_of_the_views_is_one_round_trip(proxied: tuple[CountingProxy, ViewDatabase]) -> None:
    proxy, database = proxied
    database.positions([VIEW])  # the first connection made: the driver's and SQLAlchemy's own first questions
    before = proxy.writes

    for _ in range(READS):
        assert database.positions([VIEW]) == {VIEW: 0}

    assert proxy.writes - before == READS


def test_the_reads_of_a_request_share_one_connection_and_each_is_one_round_trip(
    proxied: tuple[CountingProxy, ViewDatabase],
) -> None:
    proxy, database = proxied
    first = backend(database)
    before = proxy.writes

    with sharing_reads():
        backends = {backend(database) for _ in range(READS)}
    round_trips = proxy.writes - before

    assert backends == {first} and backend(database) == first  # given back to the pool once the request ended
    assert round_trips == READS


def test_a_read_on_a_connection_the_server_dropped_is_answered_on_a_fresh_one(direct: ViewDatabase) -> None:
    database = direct
    pooled = backend(database)
    terminated(pooled)

    assert database.positions([VIEW]) == {VIEW: 0}
    assert backend(database) != pooled


def test_a_request_whose_connection_is_dropped_between_two_reads_still_answers_the_second(
    direct: ViewDatabase,
) -> None:
    database = direct
    with sharing_reads():
        first = backend(database)
        terminated(first)

        assert database.positions([VIEW]) == {VIEW: 0}
        assert backend(database) != first


def test_the_read_connections_take_no_writes(direct: ViewDatabase) -> None:
    database, t = direct, direct.tracking

    with database.reading() as conn, pytest.raises(InternalError, match="read-only transaction"):
        conn.execute(t.insert().values(projection=VIEW, position=1))
    assert database.positions([VIEW]) == {VIEW: 0}
