"""The event store's reads and saves on PostgreSQL go through the driver on pooled autocommit connections
(api/storage/driver.py): when the server drops them all, as a restart does, the next read is answered on a fresh
connection, and so is the next save, which is never sent twice. Between statements the driver keeps the connections it
used, so reads and saves one after another check one out of the pool once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import psycopg2
import pytest
from sqlalchemy import event
from eventsourcing.persistence import StoredEvent

from api.storage.event_store import JoiningRecorder
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.application import Corral
from tests.conftest import POSTGRES_URL, _postgres_dsn, fresh_schema

pytestmark = pytest.mark.postgres
POOLED = 3


@pytest.fixture
def corral(postgres_available: bool) -> Iterator[Corral]:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with fresh_schema() as schema:
        app = build_application(Settings(database_url=POSTGRES_URL, database_schema=schema))
        yield app
        app.close()


def pooled_backends(recorder: JoiningRecorder) -> set[int]:
    """Fill the autocommit pool with connections checked out together (the driver's kept ones given back first), and
    give the server processes behind them."""
    driver = recorder.datastore.driver  # type: ignore[attr-defined]
    driver.close()
    held = [driver.engine.raw_connection() for _ in range(POOLED)]
    pids = set()
    for conn in held:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.add(cursor.fetchone()[0])
        conn.close()
    return pids


def terminated(pids: set[int]) -> None:
    admin = psycopg2.connect(_postgres_dsn())
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", (list(pids),))
    finally:
        admin.close()


def test_after_the_server_drops_every_pooled_connection_the_next_read_and_the_next_save_succeed(corral: Corral) -> None:
    recorder = corral.recorder
    assert isinstance(recorder, JoiningRecorder)
    first = StoredEvent(uuid.uuid4(), 1, "a.topic:Event", b"{}")
    recorder.insert_events([first])
    dropped = pooled_backends(recorder)
    terminated(dropped)

    head = recorder.max_notification_id()
    positions = recorder.insert_events([StoredEvent(first.originator_id, 2, "a.topic:Event", b"{}")])

    assert head is not None and positions == [head + 1]
    assert [e.originator_version for e in recorder.select_events(first.originator_id)] == [1, 2]
    assert not dropped & pooled_backends(recorder)  # every connection in the pool is a new one


def test_saves_from_threads_at_once_each_get_their_own_position(corral: Corral) -> None:
    recorder = corral.recorder
    assert isinstance(recorder, JoiningRecorder)
    originators = [uuid.uuid4() for _ in range(8)]
    positions: dict[uuid.UUID, list[int]] = {}
    start = threading.Barrier(len(originators))

    def save(originator: uuid.UUID) -> None:
        start.wait()
        saved = recorder.insert_events([StoredEvent(originator, 1, "a.topic:Event", b"{}")])
        positions[originator] = list(saved or [])

    threads = [threading.Thread(target=save, args=(originator,)) for originator in originators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    logged = {n.originator_id: n.id for n in recorder.select_notifications(1, 100)}
    assert {originator: [logged[originator]] for originator in originators} == positions


def kept_backends(recorder: JoiningRecorder, count: int) -> set[int]:
    """The server processes behind `count` connections the driver keeps between statements: statements run at once
    from as many threads, each on a connection of its own."""
    driver = recorder.datastore.driver  # type: ignore[attr-defined]
    driver.close()
    start = threading.Barrier(count)
    pids: set[int] = set()

    def run() -> None:
        start.wait()
        pids.add(driver.run("SELECT pg_backend_pid() FROM pg_sleep(0.2)", ())[0][0])

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(pids) == count == len(driver.idle)
    return pids


def test_reads_and_saves_one_after_another_check_a_connection_out_of_the_pool_once(corral: Corral) -> None:
    recorder = corral.recorder
    assert isinstance(recorder, JoiningRecorder)
    engine = recorder.datastore.driver.engine  # type: ignore[attr-defined]
    recorder.max_notification_id()
    checkouts = []
    event.listen(engine, "checkout", lambda *_: checkouts.append(1))
    originator = uuid.uuid4()

    for version in range(1, 21):
        recorder.insert_events([StoredEvent(originator, version, "a.topic:Event", b"{}")])
        recorder.select_notifications(1, 100)

    assert checkouts == []
    assert [e.originator_version for e in recorder.select_events(originator)] == list(range(1, 21))


def test_when_the_server_drops_the_connections_kept_between_statements_the_next_read_and_save_succeed(
    corral: Corral,
) -> None:
    recorder = corral.recorder
    assert isinstance(recorder, JoiningRecorder)
    first = StoredEvent(uuid.uuid4(), 1, "a.topic:Event", b"{}")
    recorder.insert_events([first])
    dropped = kept_backends(recorder, 3)
    terminated(dropped)

    head = recorder.max_notification_id()
    positions = recorder.insert_events([StoredEvent(first.originator_id, 2, "a.topic:Event", b"{}")])

    assert head is not None and positions == [head + 1]
    assert not dropped & kept_backends(recorder, 3)


def test_while_every_connection_the_pool_may_lend_is_out_a_finished_statement_gives_its_back_to_the_pool(
    corral: Corral,
) -> None:
    recorder = corral.recorder
    assert isinstance(recorder, JoiningRecorder)
    driver = recorder.datastore.driver  # type: ignore[attr-defined]
    driver.close()
    others = [driver.engine.raw_connection() for _ in range(driver.limit - 1)]  # all but one, lent elsewhere
    try:
        recorder.max_notification_id()
        assert len(driver.idle) == 0  # the last one the pool may lend went back, for whoever waits on the pool
    finally:
        for conn in others:
            conn.close()
    recorder.max_notification_id()
    assert len(driver.idle) == 1
