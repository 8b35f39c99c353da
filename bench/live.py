"""Live updates: command commit → websocket receipt at many subscribers, against a bare `websockets.broadcast` server.

Every party is a process of its own: Corral's `corral serve` (and on PostgreSQL `corral projector`), the
baseline server, a few subscriber processes holding the sockets, and this driver. See `bench/live_drive.py`
for how a block of samples is driven and `bench/live_peers.py` for the subscribers and the baseline.
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
from bench.live_servers import Corral, serving
from bench.results import Latencies, Result, Target, number
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
CPU_TARGET = 1.2
REHEARSAL = 100  # commands run while staging, whose updates the baseline broadcasts
PASSWORD = "bench password, never used to sign in"


def period_for(subscribers: int) -> float:
    """Commands far enough apart that, on two cores, every party has finished one before the next: latency, not
    a backlog (at 1,000 subscribers and 40 ms apart even the baseline queued for hundreds of milliseconds)."""
    return max(0.04, subscribers * PERIOD_PER_SUBSCRIBER)


def p99_target(subscribers: int) -> float:
    """The issue's bound on p99 against the baseline's: 2× up to 100 subscribers, 1.5× from 1,000."""
    return 2.0 if subscribers < 1000 else 1.5


@dataclass(frozen=True)
class LiveReport:
    """One database at one number of subscribers: Corral's block and the baseline's, run in turn."""

    database: str
    subscribers: int
    period: float
    ours: Block
    baseline: Block  # half before Corral's block, half after
    views_committed: tuple[float, ...]  # PostgreSQL: command return → every view's commit NOTIFY heard
    projector_pid_counted: bool

    @property
    def latency(self) -> Latencies:
        """Corral's command return → receipt, over every delivery."""
        return Latencies(self.ours.latencies)

    @property
    def raw(self) -> Latencies:
        """The baseline's ask → receipt, over every delivery."""
        return Latencies(self.baseline.latencies)

    def cpu_per_delivery(self, block: Block, processes: int = 1) -> float:
        """Seconds of the first `processes` counted processes' CPU per delivery."""
        return sum(block.cpu[:processes]) / max(len(block.latencies), 1)

    @property
    def server(self) -> str:
        """What the CPU lines count: `corral serve`, which on SQLite also takes the command and projects it."""
        return "corral serve" if self.projector_pid_counted else "corral serve, projecting in-process,"

    def results(self) -> list[Result]:
        """p50 and p99 against the baseline's, then the server's CPU per delivery against the baseline server's."""
        name = f"live {self.database} {self.subscribers:,} subscribers"
        lines = []
        for which, ours, raw in (
            ("p50", self.latency.p50_ms, self.raw.p50_ms),
            ("p99", self.latency.p99_ms, self.raw.p99_ms),
        ):
            lines.append(
                Result(
                    f"{name} {which}, command commit → receipt",
                    ours,
                    "ms",
                    ours / raw,
                    f"raw websockets.broadcast {which} {number(raw)} ms",
                    Target(p99_target(self.subscribers), at_most=True),
                )
            )
        ours_cpu, raw_cpu = self.cpu_per_delivery(self.ours) * 1e6, self.cpu_per_delivery(self.baseline) * 1e6
        lines.append(
            Result(
                f"{name} {self.server} CPU per delivery",
                ours_cpu,
                "µs",
                ours_cpu / raw_cpu,
                f"raw websockets.broadcast server {number(raw_cpu)} µs",
                Target(CPU_TARGET, at_most=True),
            )
        )
        return lines

    def describe(self) -> str:
        """A Markdown bullet: where Corral's latency goes, against the baseline's."""
        ours, raw = self.ours, self.baseline
        commands = len(ours.sent)
        parts = [
            f"- **{self.database}, {self.subscribers:,} subscribers** ({commands} commands {self.period * 1000:g} ms apart):"
        ]
        if self.views_committed:
            parts.append(f"every view committed (its NOTIFY heard) at {Latencies(self.views_committed).describe()};")
        parts += [
            f"the first subscriber had it at {Latencies(ours.first).describe()} (baseline {Latencies(raw.first).describe()});",
            f"the last subscriber had it {Latencies(ours.spread).describe()} after the first"
            f" (baseline {Latencies(raw.spread).describe()}).",
            f"CPU per command: corral serve {ours.cpu[0] / commands * 1000:.2f} ms",
        ]
        if self.projector_pid_counted:
            parts.append(f"(not counted above: corral projector {ours.cpu[1] / commands * 1000:.2f} ms),")
        parts.append(f"baseline server {sum(raw.cpu) / len(raw.sent) * 1000:.2f} ms.")
        missing = ours.behind + raw.behind
        if missing:
            parts.append(f"Subscribers lacking the last update: {ours.behind} on Corral, {raw.behind} on the baseline.")
        return " ".join(parts)


def results(reports: Sequence[LiveReport]) -> list[Result]:
    """Each report's lines, then each database's CPU per added delivery."""
    return [r for report in reports for r in report.results()] + added_delivery_cpu(reports)


def added_delivery_cpu(reports: Sequence[LiveReport]) -> list[Result]:
    """Per database, the server CPU each further delivery costs, from its fewest subscribers to its most: the
    difference in CPU per command over the difference in deliveries per command, for Corral and the baseline.

    Work done once a command (on SQLite: taking the HTTP command and projecting it) cancels out, so this is the
    fan-out's own cost, on SQLite as on PostgreSQL."""
    lines = []
    for database in dict.fromkeys(r.database for r in reports):
        measured = sorted((r for r in reports if r.database == database), key=lambda r: r.subscribers)
        if len(measured) < 2 or measured[0].subscribers == measured[-1].subscribers:
            continue
        few, many = measured[0], measured[-1]
        ours = _per_delivery_added(few.ours, many.ours) * 1e6
        raw = _per_delivery_added(few.baseline, many.baseline) * 1e6
        lines.append(
            Result(
                f"live {database} {many.server} CPU per added delivery, {few.subscribers:,} → {many.subscribers:,}"
                " subscribers",
                ours,
                "µs",
                ours / raw,
                f"raw websockets.broadcast server {number(raw)} µs",
                Target(CPU_TARGET, at_most=True),
            )
        )
    return lines


def _per_delivery_added(few: Block, many: Block) -> float:
    """Seconds of the server's CPU per added delivery: the change in its CPU per command from `few` to `many`, over
    the change in deliveries per command."""
    cpu = many.cpu[0] / len(many.sent) - few.cpu[0] / len(few.sent)
    deliveries = len(many.latencies) / len(many.sent) - len(few.latencies) / len(few.sent)
    return cpu / deliveries


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
