"""On SQLite, many requests at once, each reading the views and then writing (a sign-in reads its failures, then
counts one): none waits for a connection another holds. Reads and writes share SQLite's one pool, so a request's
reads are not kept for it. (On PostgreSQL reads have a pool of their own, and a request keeps its read connection:
more requests at once than that pool lends queue for it, and none of them waits on a write.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from api.storage.settings import Settings
from projections.database import ViewDatabase
from projections.reads import sharing_reads

REQUESTS = 24  # more than a pool lends (5, and 10 more)


@pytest.fixture
def database(settings: Settings) -> Iterator[ViewDatabase]:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("on PostgreSQL reads and writes have pools of their own")
    opened = ViewDatabase(settings.database_url, settings.database_schema)
    yield opened
    opened.close()


def test_requests_that_read_then_write_all_finish_without_waiting_on_each_other(database: ViewDatabase) -> None:
    counted = Table("counted", MetaData(schema=database.schema), Column("n", Integer))
    database.create_all(counted.metadata)
    all_have_read = threading.Barrier(REQUESTS, timeout=20)
    failures: list[BaseException] = []

    def request(n: int) -> None:
        try:
            with sharing_reads():
                with database.reading() as conn:
                    conn.execute(select(counted.c.n)).all()
                all_have_read.wait()  # every request has read before any writes
                with database.transaction() as conn:
                    conn.execute(insert(counted).values(n=n))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=25)

    assert failures == [] and not any(thread.is_alive() for thread in threads)
    with database.reading() as conn:
        assert sorted(conn.execute(select(counted.c.n)).scalars()) == list(range(REQUESTS))
