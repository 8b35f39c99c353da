"""Failover drill on PostgreSQL: SIGSTOP the active `corral projector` (frozen, its sessions still open) and the
standby takes the lease within its term plus a poll, updates keep flowing, and the frozen one, woken, stands by
without taking the lease back or applying anything twice."""

from __future__ import annotations

import os
import signal
import socket
import time

import pytest

from api.storage.settings import Settings
from bench.fault_load import eventually
from bench.faults import Cluster, wait_caught_up
from bench.servers import Service, corral, services
from bench.workload import head
from projections.database import ViewDatabase
from projections.lease import STANDBY_POLL_SECONDS, Lease
from tests.builders import ACUTE, narrative
from tests.e2e import test_fault_drills
from tests.e2e.test_fault_drills import Store
from tests.integration.given import agreed_scheme
from tests.integration.test_projector import postgres_admin

pytestmark = pytest.mark.postgres

store = test_fault_drills.store  # the drills' fixture: a fresh schema, an application on it, and its processes

LEASE_SECONDS = 2.0
SLACK = 12.0  # a loaded machine: processes starting, a catch-up, the check's own polling
BOUND = LEASE_SECONDS + STANDBY_POLL_SECONDS + SLACK


def lease_holder(settings: Settings) -> int | None:
    """The process id of the projector holding the lease, as its row says (None while nobody holds it)."""
    database = ViewDatabase(settings.database_url, settings.database_schema)
    try:
        lease = Lease(database, "the test", LEASE_SECONDS)
        lease.create()
        held = lease.read()
    finally:
        database.close()
    if held is None or not held.holder or held.expired:
        return None
    return int(held.holder.partition("#")[0].rsplit(":", 1)[1])


def sessions(process: Service, role: str = "corral-projector") -> int:
    """How many database sessions the `corral` process has open, found by the name they carry (its role and id)."""
    with postgres_admin() as admin, admin.cursor() as cursor:
        name = f"{role} {socket.gethostname()}:{process.pid}"
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (name,))
        return int(cursor.fetchone()[0])


def projector(cluster: Cluster, name: str) -> Service:
    env = cluster.env | {"CORRAL_PROJECTOR_LEASE_SECONDS": str(LEASE_SECONDS)}
    return corral(env, "projector", log=cluster.folder / f"{name}.log")


def test_a_frozen_projector_is_replaced_within_the_lease_and_stands_by_when_it_wakes(store: Store) -> None:
    app = store.app
    agreed = agreed_scheme(app)
    first, second = projector(store, "first"), projector(store, "second")
    with services(first.start(), second.start()):
        wait_caught_up(store.settings, head(app))
        holder = eventually(lambda: lease_holder(store.settings), 30, "a projector holding the lease")
        active, standby = (first, second) if holder == first.pid else (second, first)
        assert holder == active.pid
        assert sessions(active) > 0
        eventually(lambda: sessions(standby) > 0, 30, "the standby connected, polling for the lease")

        os.kill(active.pid, signal.SIGSTOP)
        try:
            frozen_at = time.monotonic()
            submitted = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
            wait_caught_up(store.settings, submitted.position, timeout=BOUND)
            took = time.monotonic() - frozen_at
            assert lease_holder(store.settings) == standby.pid
            assert sessions(active) == 0  # ended by the standby as it took over, the frozen one's locks with them
        finally:
            os.kill(active.pid, signal.SIGCONT)

        time.sleep(LEASE_SECONDS * 2)  # woken, it renews, finds the lease lost, and stands by
        accepted = app.accept_evidence(ACUTE, submitted.id)
        wait_caught_up(store.settings, accepted.position, timeout=BOUND)

        assert lease_holder(store.settings) == standby.pid
        assert active.process is not None and active.process.poll() is None  # still running, on standby
        settled = store.settle(app)
        assert settled.verified.returncode == 0, settled.verified.stdout + settled.verified.stderr
        assert settled.audit == settled.log  # each event applied once
    assert took < BOUND
