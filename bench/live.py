"""Live updates: command commit → websocket receipt at many subscribers, against a bare `websockets.broadcast` server.

Every party is a process of its own: Corral's `corral serve` (and on PostgreSQL `corral projector`), the
baseline server, a few subscriber processes holding the sockets, and this driver. See `bench/live_drive.py`
for how a block of samples is driven, `bench/live_peers.py` for the subscribers and the baseline,
`bench/live_report.py` for the results, and `bench/servers.py` for how Corral's servers are started.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
from sqlalchemy import select
from websockets.sync.client import connect as connect_websocket

from api.live.topics import Topic
from api.http.security import hash_password, issue_token
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.live_drive import Block, Broadcasts, HttpCommands, InProcessCommands, Step, ViewCommitsHeard, drive
from bench.live_peers import BroadcastServer, Subscribers
from bench.live_report import LiveReport as LiveReport
from bench.live_report import added_delivery_cpu as added_delivery_cpu  # callers take the results from bench.live
from bench.live_report import results as results
from bench.servers import Corral, serving
from bench.stores import database_name, is_postgres, postgres_store, sqlite_store
from bench.workload import Churn, commissioner, head
from domain.actors import Actor, Role
from projections.audit.view import AuditView
from projections.runner import wait_for

SUBSCRIBERS = (100, 1000)
SAMPLES = (200, 100)
PERIOD_PER_SUBSCRIBER = 0.0002  # seconds between commands: 40 ms at 100 subscribers, 200 ms at 1,000
WARMUP = 5
CLIENT_PROCESSES = 4
REHEARSAL = 100  # commands run while staging, whose updates the baseline broadcasts
PASSWORD = "bench password, never used to sign in"


def period_for(subscribers: int) -> float:
    """Commands far enough apart that, on two cores, every party has finished one before the next: latency, not
    a backlog (at 1,000 subscribers and 40 ms apart even the baseline queued for hundreds of milliseconds)."""
    return max(0.04, subscribers * PERIOD_PER_SUBSCRIBER)


@dataclass(frozen=True)
class Stage:
    """Everything a run at each size needs: the servers, the subscribers and how to cause updates."""

    corral: Corral
    baseline: BroadcastServer
    subscribers: Subscribers
    commands: Step
    subscribe: str
    token: str
    updates: list[dict[str, Any]]
    commits: ViewCommitsHeard | None


def measure(
    settings: Settings,
    subscribers: Sequence[int] = SUBSCRIBERS,
    samples: Sequence[int] = SAMPLES,
    clients: int = CLIENT_PROCESSES,
    warmup: int = WARMUP,
) -> list[LiveReport]:
    """At each number of subscribers: half the baseline's samples, Corral's, then the baseline's other half."""
    with staged(settings, clients) as stage:
        return [
            _measure_at(settings, stage, count, k, period_for(count), warmup)
            for count, k in zip(subscribers, samples, strict=True)
        ]


def _measure_at(settings: Settings, stage: Stage, count: int, samples: int, period: float, warmup: int) -> LiveReport:
    ours, raw = f"corral-{count}", f"baseline-{count}"
    stage.subscribers.open(ours, stage.corral.live, {"Authorization": f"Bearer {stage.token}"}, stage.subscribe, count)
    stage.subscribers.open(raw, f"ws://127.0.0.1:{stage.baseline.port}/", {}, stage.subscribe, count)
    try:
        with connect_websocket(f"ws://127.0.0.1:{stage.baseline.port}/control") as control:
            broadcasts = Broadcasts(control, stage.updates)
            pids = [stage.corral.server_pid] + ([stage.corral.projector_pid] if stage.corral.projector_pid else [])
            before = drive(stage.subscribers, raw, broadcasts, samples // 2, period, [stage.baseline.pid], warmup)
            block = drive(stage.subscribers, ours, stage.commands, samples, period, pids, warmup)
            after = drive(
                stage.subscribers, raw, broadcasts, samples - samples // 2, period, [stage.baseline.pid], warmup
            )
    finally:
        stage.subscribers.close(ours)
        stage.subscribers.close(raw)
    baseline = Block(
        before.sent | after.sent,
        before.latencies + after.latencies,
        before.first + after.first,
        before.spread + after.spread,
        tuple(a + b for a, b in zip(before.cpu, after.cpu, strict=True)),
        before.behind + after.behind,
    )
    committed = stage.commits.committed(block.sent) if stage.commits is not None else ()
    return LiveReport(
        database_name(settings), count, period, block, baseline, committed, stage.corral.projector_pid is not None
    )


@contextmanager
def staged(settings: Settings, clients: int) -> Iterator[Stage]:
    """A store with a programme to follow and two accounts, Corral's servers over it, the baseline and subscribers."""
    secret = secrets.token_urlsafe(48)
    app = build_application(settings)
    try:
        churn = Churn(app, "Bench live")
        programme_id = str(app.scheme(churn.scheme.id).programme_id)
        watcher, lead = _account(app, commissioner()), _account(app, churn.scheme.lead)
        for _ in range(REHEARSAL):
            churn.step()
        position = head(app)
    finally:
        if not is_postgres(settings):
            app.close()  # on SQLite the server is the only writer
    database, projections = build_views(settings)
    with ExitStack() as stack, TemporaryDirectory(prefix="corral-live-bench-") as folder:
        stack.callback(database.close)
        if is_postgres(settings):
            stack.callback(app.close)
        corral = stack.enter_context(serving(settings, secret, Path(folder)))
        wait_for(app.name, projections, position, timeout=120)
        baseline = BroadcastServer()
        stack.callback(baseline.stop)
        subscribers = Subscribers(clients)
        stack.callback(subscribers.stop)
        commits = None
        if is_postgres(settings):
            commands: Step = InProcessCommands(churn)
            commits = ViewCommitsHeard(settings, database.views_channel, len(projections))
            stack.callback(commits.close)
        else:
            http = stack.enter_context(httpx.Client(base_url=corral.http, timeout=30))
            commands = HttpCommands(http, churn.scheme, issue_token(lead, secret, 120))
        topic = f"audit:{programme_id}"
        yield Stage(
            corral,
            baseline,
            subscribers,
            commands,
            json.dumps({"type": "subscribe", "topic": topic}),
            issue_token(watcher, secret, 120),
            _updates_of(projections, topic, programme_id, REHEARSAL),
            commits,
        )


def _account(app: Any, actor: Actor) -> Actor:
    """Open an account for the workload's actor, so a token naming it is honoured."""
    admin = Actor("bench.admin", actor.organisation_id, Role.ADMINISTRATOR)
    app.register_user(admin, actor.user_id, actor.organisation_id, actor.role, hash_password(PASSWORD))
    return actor


def _updates_of(projections: Sequence[Any], topic: str, programme_id: str, count: int) -> list[dict[str, Any]]:
    """The topic's last `count` updates from the audit view, oldest first, for the baseline to broadcast."""
    audit: AuditView = next(p.view for p in projections if isinstance(p.view, AuditView))
    query = (
        select(audit.events).where(audit.events.c.programme_id == programme_id).order_by(audit.events.c.position.desc())
    )
    with audit.database.engine.connect() as conn:
        rows = conn.execute(query.limit(count)).all()
    following = Topic(topic, frozenset({programme_id}), None, detailed=True)
    return [json.loads(following.update(row)) for row in reversed(rows)]


def run(subscribers: Sequence[int] = SUBSCRIBERS, samples: Sequence[int] = SAMPLES) -> list[LiveReport]:
    """On PostgreSQL (serve + projector), then on SQLite (serve alone)."""
    with postgres_store() as postgres:
        reports = measure(postgres, subscribers, samples)
    with sqlite_store() as sqlite:
        reports += measure(sqlite, subscribers, samples)
    return reports
