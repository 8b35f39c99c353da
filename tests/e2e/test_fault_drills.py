"""Fault drills on PostgreSQL: kill -9 the projector mid catch-up, kill -9 the API server mid-requests, force
every websocket client to reconnect at once, terminate the LISTEN connections under load.

After each: no acknowledged command lost, no event applied twice, the views equal a fresh rebuild,
and every client converged. (Restarting PostgreSQL itself is `python -m bench.drills`: it would
disturb every other test on the machine.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application
from bench.fault_load import Followers, KeyedLoad, Nudging, eventually, set_stage
from bench.faults import Cluster, log_positions, nudges_logged, view_positions, wait_caught_up
from bench.servers import services
from bench.workload import head
from domain.application import Corral
from projections.database import ViewDatabase
from tests.conftest import POSTGRES_URL, _postgres_dsn, fresh_schema
from tests.e2e.test_projections_cli import grow_log

pytestmark = pytest.mark.postgres


@dataclass
class Store(Cluster):
    """A fresh schema, an application on it, and the `corral` processes a drill runs on it."""

    app: Corral

    def converges(self) -> None:
        """The views reach the head of the log, equal a fresh rebuild and hold each event once."""
        settled = self.settle(self.app)
        verified = settled.verified
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "every view equals a fresh rebuild" in verified.stdout
        assert settled.audit == settled.log


@pytest.fixture
def store(postgres_available: bool, tmp_path: Path) -> Iterator[Store]:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with fresh_schema() as schema:
        settings = Settings(database_url=POSTGRES_URL, database_schema=schema)
        app = build_application(settings)
        try:
            yield Store(settings, tmp_path, app)
        finally:
            app.close()


def kill_projector_part_way(store: Store, log_head: int, timeout: float = 30.0) -> dict[str, int | None] | None:
    """Start `corral projector` and SIGKILL it once a view has moved from where it stood, short of `log_head`; the
    positions it left, or None if every view reached the head first (the projector is then stopped)."""
    database = ViewDatabase(store.settings.database_url, store.settings.database_schema)
    try:
        before = view_positions(database)
        projector = store.projector().start()
        with services(projector):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                positions = view_positions(database)
                if any(0 < (p or 0) < log_head and p != before[name] for name, p in positions.items()):
                    projector.kill()
                    left = view_positions(database)
                    return left if any(0 < (p or 0) < log_head for p in left.values()) else None
                if all((p or 0) >= log_head for p in positions.values()):
                    return None
                time.sleep(0.002)
        pytest.fail(f"the projector neither moved the views part way nor finished within {timeout:g}s")
    finally:
        database.close()


def test_a_projector_killed_mid_catch_up_resumes_and_no_event_is_applied_twice(store: Store) -> None:
    for nudges in (6000, 12000, 24000):  # a longer log until the projector is caught part way
        log_head = grow_log(store.settings, nudges)
        killed_at = kill_projector_part_way(store, log_head)
        if killed_at is not None:
            break
    else:
        pytest.fail("the projector caught up every time before it could be killed part way")

    with services(store.projector().start()):
        store.converges()

    assert any(0 < (p or 0) < log_head for p in killed_at.values()), killed_at


def test_an_api_server_killed_mid_requests_loses_no_acknowledged_command_and_acts_on_none_twice(
    store: Store,
) -> None:
    stage = set_stage(store.app)
    with store.running() as server:
        with KeyedLoad(server, stage, count=30, seconds=40) as load:
            eventually(lambda: load.acknowledged >= 20, 20, "twenty nudges acknowledged")
            server.kill()
            server.start()
        senders = load.senders
        logged = nudges_logged(store.app)
        sent = [m for s in senders for m in s.messages]
        acknowledged = [m for s in senders for m in s.acknowledged]
        assert sum(s.retries for s in senders) > 0  # the kill did land mid-requests
        refused = {m: status for s in senders for m, status in s.answers.items() if m not in acknowledged}
        assert len(acknowledged) == len(sent) == 4 * 30, refused  # every request was answered, with a 2xx
        assert all(logged[m] == 1 for m in sent), {m: logged[m] for m in sent if logged[m] != 1}
        store.converges()


def test_every_websocket_client_forced_to_reconnect_at_once_hears_every_change_once_in_order(store: Store) -> None:
    stage = set_stage(store.app)
    with store.running() as server:
        start = head(store.app)
        wait_caught_up(store.settings, start)
        followers = Followers.of(server, stage, after=start, count=30)
        with followers, Nudging(store.app, stage) as nudging:
            followers.wait_for(nudging.positions[:10], timeout=10)
            server.kill()  # every socket drops at once
            server.start()
            time.sleep(0.5)
            nudging.stopping.set()
            nudging.thread.join()
            followers.wait_for(nudging.positions, timeout=15)

        changes = [p for p in log_positions(store.app) if p > start]  # the nudges, and each quarter's opening
        assert followers.converged(changes) == []
        assert followers.resyncs == 0
        store.converges()


def listening(channels: list[str]) -> list[int] | None:
    """The server processes LISTENing on this schema's channels, once there is one on each."""
    with psycopg2.connect(_postgres_dsn()) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE query = ANY(%s)", ([f"LISTEN {c}" for c in channels],)
        )
        rows = cursor.fetchall()
    return [int(pid) for pid, _ in rows] if {query for _, query in rows} == {f"LISTEN {c}" for c in channels} else None


def relistening(channels: list[str], dropped: list[int]) -> bool:
    """Each channel has a LISTENing session again, none of them one that was terminated."""
    now = listening(channels)
    return now is not None and not set(now) & set(dropped)


def terminate(pids: list[int]) -> None:
    with psycopg2.connect(_postgres_dsn()) as conn, conn.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_terminated_listen_connections_reconnect_and_views_and_clients_converge(store: Store) -> None:
    stage = set_stage(store.app)
    schema = store.settings.database_schema
    assert schema is not None
    channels = [
        store.app.recorder.channel_name,  # type: ignore[attr-defined]  # the projector's
        ViewDatabase(POSTGRES_URL, schema).views_channel,  # the live hub's
    ]
    with store.running() as server:
        start = head(store.app)
        wait_caught_up(store.settings, start)
        followers = Followers.of(server, stage, after=start, count=3)
        with followers, Nudging(store.app, stage) as nudging:
            for _ in range(2):  # twice: the second time it is the reconnected sessions that go
                time.sleep(0.3)
                dropped = eventually(lambda: listening(channels), 10, "the projector and the hub listening")
                terminate(dropped)
                eventually(lambda: relistening(channels, dropped), 15, "both listening again")
            nudging.stopping.set()
            nudging.thread.join()
            followers.wait_for(nudging.positions, timeout=15)

        assert len(nudging.positions) > 10
        assert followers.converged([p for p in log_positions(store.app) if p > start]) == []
        store.converges()
