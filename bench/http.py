"""HTTP: p50 and throughput of a dashboard read and of a submission, at 1 worker and at 2 and at 1 client and at 8,
each against a bare FastAPI app served the same way, in interleaved rounds.

Corral runs as in production on PostgreSQL: `corral serve --workers N` and a separate `corral projector`. The
baseline is `bench/http_bare.py` served by `bench/serve_app.py` as `corral serve` serves Corral (the same uvicorn
settings, the same shared socket with TCP_NODELAY), with the same number of workers. Both worker counts of both are
up for the whole run; each round runs a block on each of the four, in an order that turns from round to round. The
clients (see `bench/http_load.py`) are provider users, each with a bearer token of its own; every submission is a
fresh provider-milestone, so each one creates a submission and is answered 201.
"""

from __future__ import annotations

import math
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.http_load import Block, Call, Clients, client_processes
from bench.http_report import Cell, HttpReport
from bench.http_users import Client, bare_read, bare_submission, dashboard, submissions, users_with_tokens
from bench.report import Section
from bench.servers import serving, serving_app
from bench.stores import database_name, postgres_store
from bench.workload import head, play_quarter, register_organisations, set_up_programme
from domain.milestones import Quarter
from projections.runner import wait_for

CLIENTS = (1, 8)
WORKERS = (1, 2)
ROUNDS = 4
CLIENT_PROCESSES = 2
READS = 64  # a block's reads, shared among its clients
SUBMISSIONS = 48  # a block's submissions, shared among its clients
CORRAL, BARE = "Corral", "the bare app"
Party = tuple[str, int]  # a side and its number of workers
Calls = Callable[[str, int], list[list[Call]]]  # a side's calls for a block of so many clients


def share(requests: int, clients: int) -> int:
    """Each client's calls in a block of `requests` among `clients`."""
    return max(requests // clients, 1)


class Supply:
    """Every user's fresh submissions, handed out so that no provider-milestone is submitted twice."""

    def __init__(self, calls: list[list[Call]]) -> None:
        self.left = [list(c) for c in calls]

    def take(self, clients: int, each: int) -> list[list[Call]]:
        """`each` calls from each of the `clients` users with the most left."""
        chosen = sorted(range(len(self.left)), key=lambda u: -len(self.left[u]))[:clients]
        taken = [self.left[u][:each] for u in chosen]
        if any(len(calls) < each for calls in taken):
            raise RuntimeError("the bench ran out of fresh provider-milestones to submit")
        for u in chosen:
            del self.left[u][:each]
        return taken


def needed(clients: Sequence[int], rounds: int, workers: int, requests: int, users: int) -> int:
    """Fresh submissions per user for every block on Corral, with a take's slack, and one warm-up per server."""
    takes = sum(math.ceil(rounds * workers * min(c, users) / users) * share(requests, c) for c in clients)
    return takes + share(requests, min(clients)) + workers


def measure(
    settings: Settings,
    rounds: int = ROUNDS,
    reads: int = READS,
    writes: int = SUBMISSIONS,
    clients: Sequence[int] = CLIENTS,
    workers: Sequence[int] = WORKERS,
    processes: int = CLIENT_PROCESSES,
) -> HttpReport:
    """Dashboard reads over one programme with Q1 played, then submissions to more programmes, each in `rounds`
    rounds on every server, with the views caught up before each phase."""
    app = build_application(settings)
    database, projections = build_views(settings)
    with ExitStack() as stack, TemporaryDirectory(prefix="corral-http-bench-") as folder:
        stack.callback(app.close)
        stack.callback(database.close)
        register_organisations(app)
        for scheme in set_up_programme(app, "HTTP bench reads"):
            play_quarter(app, scheme, Quarter.Q1)
        secret = secrets.token_urlsafe(48)
        users = users_with_tokens(app, secret, max(clients))
        servers = _servers(stack, settings, secret, Path(folder), workers)
        pool = stack.enter_context(client_processes(processes))
        wait_for(app.name, projections, head(app), timeout=120)
        first = dashboard(users[0])
        size = len(httpx.get(servers[CORRAL, workers[0]] + first.path, headers=_bearer(first)).content)

        def read_calls(side: str, count: int) -> list[list[Call]]:
            call = dashboard if side == CORRAL else (lambda u: bare_read(u, size))
            return [[call(u)] * share(reads, count) for u in users[:count]]

        for party, url in servers.items():
            _run(pool, url, "warm-up read", party[0], read_calls(party[0], len(users)))
        read = _rounds(pool, servers, "dashboard read", "GET /rows", clients, rounds, read_calls)
        fresh = submissions(app, users, needed(clients, rounds, len(workers), writes, len(users)))
        supply, template = Supply(fresh), [calls[: share(writes, 1)] for calls in fresh]
        wait_for(app.name, projections, head(app), timeout=120)

        def write_calls(side: str, count: int) -> list[list[Call]]:
            if side == CORRAL:
                return supply.take(count, share(writes, count))
            return [[bare_submission(c) for c in calls[: share(writes, count)]] for calls in template[:count]]

        for party, url in servers.items():
            _run(pool, url, "warm-up submission", party[0], write_calls(party[0], len(users))[:1])
        wrote = _rounds(pool, servers, "submission", "POST /submissions", clients, rounds, write_calls)
    return HttpReport(database_name(settings), processes, (*read, *wrote), size)


def _servers(
    stack: ExitStack, settings: Settings, secret: str, folder: Path, workers: Iterable[int]
) -> dict[Party, str]:
    """For each number of workers, the bare app and Corral (with a projector of its own), until the stack closes."""
    servers: dict[Party, str] = {}
    for count in workers:
        (folder / f"corral-{count}").mkdir()
        (folder / f"bare-{count}").mkdir()
        bare = stack.enter_context(serving_app("bench.http_bare:app", folder / f"bare-{count}", count))
        servers[BARE, count] = f"http://127.0.0.1:{bare}"
        servers[CORRAL, count] = stack.enter_context(serving(settings, secret, folder / f"corral-{count}", count)).http
    return servers


def _rounds(
    pool: Clients,
    servers: dict[Party, str],
    what: str,
    route: str,
    clients: Sequence[int],
    rounds: int,
    calls: Calls,
) -> list[Cell]:
    """In each round a block on every server at each number of clients, the servers in an order that turns from
    round to round; a cell per number of workers and clients."""
    parties = list(servers)
    blocks: dict[tuple[str, int, int], list[Block]] = {}
    for turn in range(rounds):
        for count in clients:
            for side, workers in parties[turn % len(parties) :] + parties[: turn % len(parties)]:
                block = _run(pool, servers[side, workers], what, side, calls(side, count))
                blocks.setdefault((side, workers, count), []).append(block)
    return [
        Cell(what, route, workers, count, tuple(zip(blocks[CORRAL, workers, count], blocks[BARE, workers, count])))
        for workers in dict.fromkeys(w for _, w in parties)
        for count in clients
    ]


def _run(pool: Clients, url: str, what: str, side: str, calls: Sequence[Sequence[Call]]) -> Block:
    """One block; a failed call answers fast, and its latency would flatter the side that failed: so none may."""
    block = pool.run(url, calls)
    if block.errors:
        statuses = Counter(a.status for a in block.answers if not 200 <= a.status < 300)
        raise RuntimeError(f"{what} on {side}: {block.errors} calls failed ({dict(statuses)}), so no latency is given")
    return block


def _bearer(user: Client | Call) -> dict[str, Any]:
    return {"Authorization": f"Bearer {user.token}"}


def run(clients: Sequence[int] = CLIENTS, rounds: int = ROUNDS) -> Section:
    """On PostgreSQL: several workers need it."""
    with postgres_store() as postgres:
        return Section("HTTP (`bench/http.py`)", MEASURES, [measure(postgres, rounds, clients=clients)])


MEASURES = (
    "On PostgreSQL, Corral as in production: `corral serve --workers N` and a separate `corral projector`, on a fresh",
    "schema, at 1 worker and at 2. The baseline is `bench/http_bare.py`, a bare FastAPI app served as `corral serve`",
    "serves Corral (`bench/serve_app.py`: the same uvicorn settings, its default access log, and with 2 workers the",
    "same shared listening socket with TCP_NODELAY), with the same workers: a plain `def` GET answering a list of rows",
    "of the dashboard's size in bytes of JSON, and a plain `def` POST taking the same evidence body into a pydantic",
    "model and answering an id, version and position. All four servers are up for the whole run. Closed-loop clients",
    "(each sends its next request when the last is answered, on one keep-alive connection), provider users with a",
    f"bearer token each, in up to {CLIENT_PROCESSES} processes of `httpx.AsyncClient`, run at 1 client and at 8: in",
    f"each of {ROUNDS} rounds a block on every server, in an order that turns from round to round ({READS} reads or",
    f"{SUBMISSIONS} submissions a block, shared among its clients). Dashboard reads come first, over one programme of",
    "six agreed schemes with Q1 played through to closure; then each submission is a fresh provider-milestone of",
    "further agreed programmes (each a 201 creating a submission, never a 409); the views are caught up before each",
    "phase, after a warm-up. Latency is the client's, from sending to the whole answer; throughput is a block's",
    "answers over its wall time. A line's value is over every round; its ratio is the median of the rounds' ratios to",
    "the bare app's, with their range. Targets (the issue's, for 1 worker, held at 2 workers too): p50 at most 3× the",
    "bare app's at 1 client and 4× at 8, throughput at least 0.3 of the bare app's; and the bare app's own p50 at 2",
    "workers and 1 client within 1.5× of its p50 at 1 worker, which shows that the delayed-ACK stall is gone (~40 ms",
    "an answer while the shared socket lacked TCP_NODELAY). The clients share the 2 cores with the servers,",
    "PostgreSQL and the projectors, which slows the baseline too and so narrows the ratios at 8 clients.",
)


def main() -> None:
    """`python -m bench.http`: the HTTP section alone, printed (BENCHMARKS.md is left to `make bench`)."""
    section = run()
    for measured in section.reports:
        print(*(r.line() for r in measured.results()), *measured.describe(), sep="\n")


if __name__ == "__main__":
    main()
