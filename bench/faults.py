"""The steps of a fault drill, shared by tests/e2e/test_fault_drills.py and bench/drills.py.

Corral's own processes, started from the command line so that they can be SIGKILLed and started
again on the same port, and the checks every drill ends with: nothing acknowledged lost, nothing
applied twice, views equal to a fresh rebuild. The load a drill runs meanwhile is bench/fault_load.py.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy.exc
from eventsourcing.utils import get_topic

from api.storage.settings import Settings
from bench.fault_load import eventually
from bench.servers import CORRAL, Service, corral, corral_env, free_port, services
from bench.workload import head
from domain.application import Corral
from domain.quarter_review import QuarterReview
from projections.audit.view import AuditView
from projections.database import ViewDatabase
from projections.registry import build_projections

SECRET = "d" * 48


@dataclass
class Cluster:
    """A store, and the environment its `corral` processes run in: the projector and servers a drill starts, breaks
    and checks (each process's output goes to a log in `folder`)."""

    settings: Settings
    folder: Path

    @property
    def env(self) -> dict[str, str]:
        """The environment that points `corral` at the store."""
        return corral_env(
            self.settings,
            secret_key=SECRET,
            attachments_dir=self.folder / "attachments",
            live_sockets_per_account=100,  # a drill's followers stand for many users, on one account
        ) | {"COLUMNS": "200"}

    def projector(self) -> Service:
        """`corral projector`, not yet started."""
        return corral(self.env, "projector", log=self.folder / "projector.log")

    def server(self, port: int | None = None) -> Service:
        """`corral serve` on a free port (or `port`), not yet started."""
        port = port or free_port()
        return corral(self.env, "serve", port=port, log=self.folder / f"server-{port}.log")

    @contextmanager
    def running(self) -> Iterator[Service]:
        """A projector and a server started, until the block ends: the server."""
        server = self.server()
        with services(self.projector().start(), server.start()):
            yield server

    def settle(self, app: Corral, timeout: float = 30) -> Settled:
        """Once every view has applied the head of the log: the log, the audit trail and a fresh rebuild compared."""
        wait_caught_up(self.settings, head(app), timeout)
        return Settled(log_positions(app), audit_positions(self.settings), verify(self.env))


@dataclass(frozen=True)
class Settled:
    """What the checks at the end of a drill compare."""

    log: list[int]  # every position in the log
    audit: list[int]  # every position in the audit trail: one row per event applied
    verified: subprocess.CompletedProcess[str]  # `corral projections verify`


def log_positions(app: Corral) -> list[int]:
    """Every position in the log, in order (a transaction rolled back, e.g. by a kill, leaves a gap)."""
    return [n.id for n in app.recorder.select_notifications(start=1, limit=1_000_000)]


def nudges_logged(app: Corral) -> Counter[str]:
    """How many times each nudge's message is in the log."""
    topic = get_topic(QuarterReview.ProviderNudgedByLead)
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000, topics=[topic])
    return Counter(app.mapper.to_domain_event(n).message for n in notifications)  # type: ignore[attr-defined]


def view_positions(database: ViewDatabase) -> dict[str, int | None]:
    """Each view's position as another process sees it, in one read (None before any view has been made)."""
    keys = {p.view.key: p.view.name for p in build_projections(database)}
    try:
        positions = database.positions(keys)
    except sqlalchemy.exc.DBAPIError:
        return dict.fromkeys(keys.values())
    return {name: positions[key] for key, name in keys.items()}


def wait_caught_up(settings: Settings, position: int, timeout: float = 30) -> None:
    """Until every view has applied `position`."""
    database = ViewDatabase(settings.database_url, settings.database_schema)
    try:
        eventually(
            lambda: all((p or 0) >= position for p in view_positions(database).values()), timeout, "views caught up"
        )
    finally:
        database.close()


def audit_positions(settings: Settings) -> list[int]:
    """The positions in the audit trail, in order: one row per event applied."""
    database = ViewDatabase(settings.database_url, settings.database_schema)
    try:
        audit = next(p.view for p in build_projections(database) if isinstance(p.view, AuditView))
        with database.engine.connect() as conn:
            return [row.position for row in conn.execute(audit.events.select().order_by(audit.events.c.position))]
    finally:
        database.close()


def verify(env: dict[str, str], timeout: float | None = 120) -> subprocess.CompletedProcess[str]:
    """`corral projections verify`: every view rebuilt into scratch tables and compared with the live one."""
    command = [str(CORRAL), "projections", "verify"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
