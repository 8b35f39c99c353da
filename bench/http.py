"""HTTP: p50 and p99 of a submission and of a dashboard read under 50 concurrent clients, against a bare
FastAPI route served the same way in the same run.

Corral runs as in production on PostgreSQL: `corral serve --workers 2` and a separate `corral projector`.
The baseline is `bench/http_bare.py` under uvicorn with the same worker count. The clients (see
`bench/http_load.py`) are provider users, each with a bearer token of its own; every submission is a fresh
provider-milestone, so each one creates a submission and is answered 201.
"""

from __future__ import annotations

from collections import Counter

import secrets
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from api.http.security import hash_password, issue_token
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.http_load import Block, Call, Clients, client_processes
from bench.servers import serving, serving_app
from bench.report import Section
from bench.results import Latencies, Result, Target, number
from bench.stores import database_name, postgres_store
from bench.workload import (
    PROVIDERS,
    BenchScheme,
    figures_for,
    head,
    play_quarter,
    register_organisations,
    set_up_programme,
)
from domain import ids
from domain.actors import Actor, Role
from domain.application import Corral
from domain.milestones import Quarter
from projections.runner import wait_for

CLIENTS = 50
CLIENT_PROCESSES = 2
WORKERS = 2
SUBMISSIONS = 12  # per client, after one unmeasured
READS = 16  # per client, after two unmeasured
READ_TARGET = 5.0
WRITE_TARGET = 10.0
PASSWORD = "bench password, never used to sign in"


@dataclass(frozen=True)
class Compared:
    """One kind of request: Corral's block and the baseline's (half before Corral's, half after)."""

    what: str
    route: str
    ours: Block
    raw: Block
    target: float

    def results(self, name: str) -> list[Result]:
        """p50 and p99 against the bare route's."""
        ours, raw = Latencies(self.ours.latencies), Latencies(self.raw.latencies)
        return [
            Result(
                f"{name} {self.what} {which}",
                mine,
                "ms",
                mine / theirs,
                f"raw FastAPI {self.route} {which} {number(theirs)} ms",
                Target(self.target, at_most=True),
            )
            for which, mine, theirs in (("p50", ours.p50_ms, raw.p50_ms), ("p99", ours.p99_ms, raw.p99_ms))
        ]

    def describe(self) -> str:
        """Throughput and errors on both sides."""
        return (
            f"{self.what}s: {len(self.ours.answers):,} on Corral at {number(self.ours.rate)}/s "
            f"({self.ours.errors} errors), {len(self.raw.answers):,} on the bare route at "
            f"{number(self.raw.rate)}/s ({self.raw.errors} errors)"
        )


@dataclass(frozen=True)
class HttpReport:
    """Submissions and dashboard reads at one number of clients."""

    database: str
    clients: int
    processes: int
    workers: int
    submissions: Compared
    reads: Compared
    dashboard_bytes: int

    def results(self) -> list[Result]:
        """Four lines: submission p50 and p99, dashboard read p50 and p99."""
        name = f"http {self.database}"
        return self.submissions.results(name) + self.reads.results(name)

    def describe(self) -> list[str]:
        """A Markdown bullet: throughput and errors of each block."""
        return [
            f"- **{self.database}, {self.clients} clients in {self.processes} processes, {self.workers} workers a"
            f" server**: {self.submissions.describe()}; {self.reads.describe()}; a dashboard of"
            f" {self.dashboard_bytes:,} bytes of JSON, the bare read answering as many."
        ]


@dataclass(frozen=True)
class Client:
    """A provider user: its organisation and bearer token."""

    code: str
    provider_id: str
    token: str


def measure(
    settings: Settings,
    clients: int = CLIENTS,
    submissions: int = SUBMISSIONS,
    reads: int = READS,
    processes: int = CLIENT_PROCESSES,
    workers: int = WORKERS,
) -> HttpReport:
    """Dashboard reads over one programme with Q1 played, then submissions to more programmes; each against the
    bare route, half before Corral's block and half after, with the views caught up before each block."""
    secret = secrets.token_urlsafe(48)
    app = build_application(settings)
    database, projections = build_views(settings)
    with ExitStack() as stack, TemporaryDirectory(prefix="corral-http-bench-") as folder:
        stack.callback(app.close)
        stack.callback(database.close)
        register_organisations(app)
        for scheme in set_up_programme(app, "HTTP bench reads"):
            play_quarter(app, scheme, Quarter.Q1)
        users = _users(app, secret, clients)
        corral = stack.enter_context(serving(settings, secret, Path(folder), workers))
        bare = f"http://127.0.0.1:{stack.enter_context(serving_app('bench.http_bare:app', Path(folder), workers))}"
        pool = stack.enter_context(client_processes(processes))
        wait_for(app.name, projections, head(app), timeout=120)
        first = _dashboard(users[0])
        size = len(httpx.get(corral.http + first.path, headers={"Authorization": f"Bearer {first.token}"}).content)
        pool.run(corral.http, [[_dashboard(u)] * 2 for u in users])
        pool.run(bare, [[_bare_read(u, size)] * 2 for u in users])
        dashboards = [[_dashboard(u)] * reads for u in users]
        read = _compare(
            pool, "dashboard read", corral.http, bare, dashboards, [[_bare_read(u, size)] * reads for u in users]
        )
        writes = _submissions(app, users, submissions + 1)
        wait_for(app.name, projections, head(app), timeout=120)
        pool.run(corral.http, [w[:1] for w in writes])
        pool.run(bare, [[_bare_submission(w[0])] * 2 for w in writes])
        writes = [w[1:] for w in writes]
        wrote = _compare(
            pool, "submission", corral.http, bare, writes, [[_bare_submission(c) for c in w] for w in writes]
        )
    return HttpReport(database_name(settings), clients, processes, workers, wrote, read, size)


def _users(app: Corral, secret: str, clients: int) -> list[Client]:
    """Provider users spread over the six providers, each with a token."""
    password = hash_password(PASSWORD)
    users = []
    for number_ in range(clients):
        code = PROVIDERS[number_ % len(PROVIDERS)]
        organisation_id = ids.organisation_id(code)
        actor = Actor(f"http.{number_}", organisation_id, Role.PROVIDER)
        admin = Actor("bench.admin", organisation_id, Role.ADMINISTRATOR)
        app.register_user(admin, actor.user_id, organisation_id, actor.role, password)
        users.append(Client(code, str(organisation_id), issue_token(actor, secret, 120)))
    return users


def _submissions(app: Corral, users: Sequence[Client], per_client: int) -> list[list[Call]]:
    """Enough agreed programmes for every user to submit `per_client` times afresh; each user's calls."""
    codes = {ids.organisation_id(code): code for code in PROVIDERS}
    owners = [u.code for u in users]
    slots: dict[str, list[Call]] = {code: [] for code in PROVIDERS}
    while any(len(slots[code]) < owners.count(code) * per_client for code in PROVIDERS):
        for scheme in set_up_programme(app, f"HTTP bench submissions {len(slots[PROVIDERS[0]])}"):
            for i, actor in enumerate(scheme.participants):
                slots[codes[actor.organisation_id]] += [_submission(scheme, i, quarter) for quarter in Quarter]
    return [
        [
            Call(c.method, c.path, u.token, c.body)
            for c in slots[u.code][owners[:k].count(u.code) :: owners.count(u.code)]
        ][:per_client]
        for k, u in enumerate(users)
    ]


def _submission(scheme: BenchScheme, provider: int, quarter: Quarter) -> Call:
    figures = figures_for(scheme, provider, quarter)
    body: dict[str, Any] = {"narrative": f"{quarter.value} evidence from provider {provider}.", "attachments": []}
    if figures is not None:
        body |= {"numerator": str(figures.numerator), "denominator": str(figures.denominator)}
    return Call("POST", f"/api/v1/schemes/{scheme.id}/milestones/{quarter.value}/submissions", body=body)


def _dashboard(user: Client) -> Call:
    return Call("GET", f"/api/v1/providers/{user.provider_id}/dashboard", user.token)


def _bare_submission(call: Call) -> Call:
    """The same request, token and body to the bare POST route."""
    return Call("POST", "/submissions", call.token, call.body)


def _bare_read(user: Client, size: int) -> Call:
    return Call("GET", f"/rows?size={size}", user.token)


def _compare(
    pool: Clients,
    what: str,
    corral: str,
    bare: str,
    ours: Sequence[Sequence[Call]],
    raw: Sequence[Sequence[Call]],
) -> Compared:
    """Half the baseline's calls, Corral's, then the baseline's other half."""
    before = pool.run(bare, [client[: len(client) // 2] for client in raw])
    mine = pool.run(corral, ours)
    after = pool.run(bare, [client[len(client) // 2 :] for client in raw])
    writes = raw[0][0].method == "POST"
    route = f"{raw[0][0].method} {raw[0][0].path.split('?')[0]}"
    baseline = Block(before.answers + after.answers, before.wall_seconds + after.wall_seconds)
    for side, block in (("Corral", mine), ("the bare route", baseline)):
        if block.errors:  # a failed call answers fast: its latency would flatter the side that failed
            statuses = Counter(a.status for a in block.answers if not 200 <= a.status < 300)
            raise RuntimeError(
                f"{what} on {side}: {block.errors} calls failed ({dict(statuses)}), so no latency is given"
            )
    return Compared(what, route, mine, baseline, WRITE_TARGET if writes else READ_TARGET)


def run(clients: int = CLIENTS, submissions: int = SUBMISSIONS, reads: int = READS) -> Section:
    """On PostgreSQL: several workers need it."""
    with postgres_store() as postgres:
        return Section("HTTP (`bench/http.py`)", MEASURES, [measure(postgres, clients, submissions, reads)])


MEASURES = (
    "On PostgreSQL, Corral as in production: `corral serve --workers 2` and a separate `corral projector`, on a",
    "fresh schema. The baseline is `bench/http_bare.py`, a bare FastAPI app under uvicorn with the same 2 workers and",
    "its default access log, as Corral's: a plain `def` GET answering a list of rows of the dashboard's size in bytes",
    "of JSON, and a plain `def` POST taking the same evidence body into a pydantic model and answering an id, version",
    f"and position. {CLIENTS} closed-loop clients (each sends its next request when the last is answered), provider",
    f"users spread over six providers, each with a bearer token of its own, in {CLIENT_PROCESSES} processes of",
    "`httpx.AsyncClient`, hit both servers in the same run: the baseline's half before Corral's block and half after.",
    "Dashboard reads come first, over one programme of six agreed schemes with Q1 played through to closure; then",
    "each submission is a fresh provider-milestone of further agreed programmes (so each is a 201 creating a",
    "submission, never a 409), after one unmeasured submission and two reads a client; the views are caught up",
    "before each block. Latency is the client's, from sending to the whole answer, so at 50 clients it is mostly",
    "queueing: p50 is about 50 divided by the server's throughput. The clients share the 2 cores with the servers,",
    "PostgreSQL and the projector, which slows the baseline too and so narrows the ratios. There is no target in the",
    f"issue beyond measuring against the bare route; ours: a read at most {READ_TARGET:g}× the bare route (a token,",
    "an access check and two indexed queries on the progress view against nothing at all), a submission at most",
    f"{WRITE_TARGET:g}× (besides that, loading the scheme, a transaction holding the event table's lock and an fsync'd",
    "commit, while the projector applies each event in two views on the same cores).",
)
