"""Live updates: command commit → websocket receipt at many subscribers, against a bare `websockets.broadcast` server.

Every party is a process of its own: Corral's `corral serve` (and on PostgreSQL `corral projector`), the
baseline server, a few subscriber processes holding the sockets, and this driver. See `bench/live_drive.py`
for how a block of samples is driven and `bench/live_peers.py` for the subscribers and the baseline.

Corral is measured on each of its send paths (CORRAL_LIVE_SEND: `fast`, straight onto uvicorn's connection, and
`asgi`, the plain ASGI send), each against the baseline, in rounds: in each round the baseline and every send path
run a block at each number of subscribers, in an order that turns from round to round, and a ratio is the median
of the rounds' ratios.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
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
from bench.live_drive import Block, Broadcasts, HttpCommands, InProcessCommands, Step, ViewCommitsHeard, drive, pooled
from bench.live_peers import BroadcastServer, Subscribers
from bench.live_report import LiveReport as LiveReport
from bench.live_report import added_delivery_cpu as added_delivery_cpu  # callers take the results from bench.live
from bench.live_report import results as results
from bench.servers import Corral, serving
from bench.stores import database_name, is_postgres, postgres_store, sqlite_store
from bench.workload import Churn, commissioner, head
from domain.actors import Actor, Role
from projections.audit.view import AuditView
from projections.runner import catch_up, wait_for

SUBSCRIBERS = (100, 1000)
SAMPLES = (200, 100)
PERIOD_PER_SUBSCRIBER = 0.0002  # seconds between commands: 40 ms at 100 subscribers, 200 ms at 1,000
WARMUP = 5
CLIENT_PROCESSES = 4
REHEARSAL = 100  # commands run while staging, whose updates the baseline broadcasts
SENDS = ("fast", "asgi")  # Corral's send paths (CORRAL_LIVE_SEND), each measured against the baseline
ROUNDS = 3
BASELINE = "baseline"
PASSWORD = "bench password, never used to sign in"


def period_for(subscribers: int) -> float:
    """Commands far enough apart that, on two cores, every party has finished one before the next: latency, not
    a backlog (at 1,000 subscribers and 40 ms apart even the baseline queued for hundreds of milliseconds)."""
    return max(0.04, subscribers * PERIOD_PER_SUBSCRIBER)


@dataclass(frozen=True)
class Stage:
    """Everything a run needs: Corral's servers on each send path, the baseline, the subscribers, the commands."""

    serve: Callable[[str], AbstractContextManager[Corral]]  # `corral serve` (and its projector) on a send path
    commands: Callable[[Corral], AbstractContextManager[Step]]
    baseline: BroadcastServer
    broadcasts: Broadcasts
    subscribers: Subscribers
    subscribe: str
    token: str
    commits: ViewCommitsHeard | None


def measure(
    settings: Settings,
    subscribers: Sequence[int] = SUBSCRIBERS,
    samples: Sequence[int] = SAMPLES,
    clients: int = CLIENT_PROCESSES,
    warmup: int = WARMUP,
    sends: Sequence[str] = SENDS,
    rounds: int = ROUNDS,
) -> list[LiveReport]:
    """In each round the baseline and every send path, in an order that turns from round to round, each a block at
    every number of subscribers (a round's share of its samples); a report per send path and number."""
    blocks: dict[tuple[str, int], list[Block]] = {}
    parties = [BASELINE, *sends]
    with staged(settings, clients) as stage:
        for turn in range(rounds):
            shares = [k // rounds + (turn < k % rounds) for k in samples]
            for party in parties[turn % len(parties) :] + parties[: turn % len(parties)]:
                for count, block in zip(subscribers, _blocks(stage, party, subscribers, shares, warmup), strict=True):
                    blocks.setdefault((party, count), []).append(block)
        commits = stage.commits
        reports = []
        for send in sends:
            for count in subscribers:
                ours, raw = blocks[send, count], blocks[BASELINE, count]
                block = pooled(ours)
                committed = commits.committed(block.sent) if commits is not None else ()
                reports.append(
                    LiveReport(
                        database_name(settings),
                        count,
                        period_for(count),
                        block,
                        pooled(raw),
                        committed,
                        len(block.cpu) > 1,
                        send,
                        tuple(zip(ours, raw, strict=True)),
                    )
                )
        return reports


def _blocks(stage: Stage, party: str, counts: Sequence[int], samples: Sequence[int], warmup: int) -> list[Block]:
    """A block at each number of subscribers against the baseline or Corral on a send path, started afresh."""
    if party == BASELINE:
        url, pids = f"ws://127.0.0.1:{stage.baseline.port}/", [stage.baseline.pid]
        return [_block(stage, url, {}, stage.broadcasts, pids, n, k, warmup) for n, k in zip(counts, samples)]
    with stage.serve(party) as corral, stage.commands(corral) as step:
        pids = [corral.server_pid] + ([corral.projector_pid] if corral.projector_pid else [])
        headers = {"Authorization": f"Bearer {stage.token}"}
        return [_block(stage, corral.live, headers, step, pids, n, k, warmup) for n, k in zip(counts, samples)]


def _block(
    stage: Stage, url: str, headers: dict[str, str], step: Step, pids: list[int], count: int, samples: int, warmup: int
) -> Block:
    """`count` sockets following the topic on the server at `url`, driven for `samples` steps, then closed."""
    group = f"{url} {count}"
    stage.subscribers.open(group, url, headers, stage.subscribe, count)
    try:
        return drive(stage.subscribers, group, step, samples, period_for(count), pids, warmup)
    finally:
        stage.subscribers.close(group)


@contextmanager
def staged(settings: Settings, clients: int) -> Iterator[Stage]:
    """A store with a programme to follow and two accounts, how to serve it, the baseline and subscribers."""
    secret = secrets.token_urlsafe(48)
    app = build_application(settings)
    database, projections = build_views(settings)
    try:
        churn = Churn(app, "Bench live")
        programme_id = str(app.scheme(churn.scheme.id).programme_id)
        watcher, lead = _account(app, commissioner()), _account(app, churn.scheme.lead)
        for _ in range(REHEARSAL):
            churn.step()
        position = head(app)
        catch_up(app, projections)  # the rehearsal's updates, which the baseline broadcasts
    finally:
        if not is_postgres(settings):
            app.close()  # on SQLite the server is the only writer
    with ExitStack() as stack, TemporaryDirectory(prefix="corral-live-bench-") as folder:
        stack.callback(database.close)
        if is_postgres(settings):
            stack.callback(app.close)

        @contextmanager
        def serve(send: str) -> Iterator[Corral]:
            with serving(settings, secret, Path(folder), live_send=send) as corral:
                wait_for(app.name, projections, position, timeout=120)
                yield corral

        def commands(corral: Corral) -> AbstractContextManager[Step]:
            if is_postgres(settings):
                return nullcontext(InProcessCommands(churn))
            return _over_http(settings, corral, churn, issue_token(lead, secret, 120))

        baseline = BroadcastServer()
        stack.callback(baseline.stop)
        control = stack.enter_context(connect_websocket(f"ws://127.0.0.1:{baseline.port}/control"))
        subscribers = Subscribers(clients)
        stack.callback(subscribers.stop)
        commits = None
        if is_postgres(settings):
            commits = ViewCommitsHeard(settings, database.views_channel, len(projections))
            stack.callback(commits.close)
        topic = f"audit:{programme_id}"
        yield Stage(
            serve,
            commands,
            baseline,
            Broadcasts(control, _updates_of(projections, topic, programme_id, REHEARSAL)),
            subscribers,
            json.dumps({"type": "subscribe", "topic": topic}),
            issue_token(watcher, secret, 120),
            commits,
        )


@contextmanager
def _over_http(settings: Settings, corral: Corral, churn: Churn, token: str) -> Iterator[Step]:
    """SQLite: the lead's nudges over HTTP to the server that owns the file, whose log this process only reads."""
    log = build_application(settings)
    try:
        with httpx.Client(base_url=corral.http, timeout=30) as http:
            yield HttpCommands(http, churn.scheme, token, log)
    finally:
        log.close()


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
