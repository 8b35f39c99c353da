"""Memory, and the time to open websockets, each against a bare baseline measured in the same run.

- `corral serve` idle, against the bare FastAPI app (bench/http_bare.py) served the same way (bench/serve_app.py);
- the same servers holding N sockets (KiB per socket, and how long the N took to open), against the bare app's
  websocket and a bare `websockets` server (bench/live_peers.py), compressing and not, from the same subscribers;
- the projector's process while it rebuilds every view from a log of E events, sampled after each batch.

    python -m bench.memory [--sockets 1000] [--rounds 3] [--events 100000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from tempfile import TemporaryDirectory

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.live import staged
from bench.live_peers import BroadcastServer, Subscribers
from bench.machine import describe
from bench.rebuild import ensure_log
from bench.report import Section
from bench.results import Result, Target, median_of_rounds, number, ratio
from bench.rss import rss_kib, threads
from bench.servers import app_service
from bench.stores import postgres_store
from projections.maintenance import rebuild

SOCKETS = 1000
ROUNDS = 3
EVENTS = 100_000
CLIENT_PROCESSES = 4
SETTLE = 1.0  # seconds a server is left before its memory is read, idle or holding its sockets
CORRAL, BARE_APP, BARE_WEBSOCKETS = "corral serve", "bare FastAPI app", "bare websockets server"
BARE_UNCOMPRESSED = "bare websockets server, uncompressed"  # as Corral serves: like for like, beside the default
BASELINES = (BARE_APP, BARE_WEBSOCKETS, BARE_UNCOMPRESSED)
PARTIES = (CORRAL, *BASELINES)
CONNECTS_TARGET = 2.0  # the issue's: 1,000 connects in at most twice the bare server's time
FLAT_TARGET = 1.1  # the issue's: the projector's memory within 10% from the start of a rebuild to its end
IDLE_TARGET = 4.0  # Corral's whole application in memory, against an app of four routes
# What one more socket costs, against the same uvicorn's bare socket, and against either leaner websockets server's.
PER_SOCKET_TARGETS = {BARE_APP: 1.5, BARE_WEBSOCKETS: 2.0, BARE_UNCOMPRESSED: 2.0}

Served = tuple[str, int, dict[str, str]]  # a server's websocket URL, its process id and the headers a socket sends


@dataclass(frozen=True)
class Held:
    """A server, idle and then holding `count` sockets: its memory and threads each time, and the opening's seconds."""

    count: int
    idle_kib: int
    held_kib: int
    idle_threads: int
    held_threads: int
    seconds: float

    @property
    def per_socket_kib(self) -> float:
        """What each socket added to the server's memory."""
        return (self.held_kib - self.idle_kib) / self.count


@dataclass(frozen=True)
class Rebuilt:
    """The projector's memory after each batch of a rebuild of every view."""

    events: int
    samples_kib: tuple[int, ...]
    by_view: tuple[tuple[str, int], ...]  # each view's name and the memory after its last batch

    @property
    def flat(self) -> float:
        """End over start: 1.0 is perfectly flat."""
        return self.samples_kib[-1] / self.samples_kib[0]


@dataclass(frozen=True)
class MemoryReport:
    """Every round's servers, by party, and the projector's rebuild."""

    sockets: int
    rounds: dict[str, tuple[Held, ...]]
    rebuilt: Rebuilt

    def _ratios(self, party: str, baseline: str, of: Callable[[Held], float]) -> tuple[float, str]:
        ratios = [of(ours) / of(theirs) for ours, theirs in zip(self.rounds[party], self.rounds[baseline], strict=True)]
        return median_of_rounds(ratios)

    def _median(self, party: str, of: Callable[[Held], float]) -> float:
        return statistics.median(of(held) for held in self.rounds[party])

    def results(self) -> list[Result]:
        """Idle memory, memory per socket and the time to open them, each against its bare baselines; the rebuild."""

        def idle(held: Held) -> float:
            return held.idle_kib / 1024

        def per_socket(held: Held) -> float:
            return held.per_socket_kib

        def seconds(held: Held) -> float:
            return held.seconds

        n = f"{self.sockets:,}"
        measures = [
            (f"memory, {CORRAL} idle", idle, "MiB", {BARE_APP: IDLE_TARGET}),
            (f"memory per websocket, {CORRAL} holding {n}", per_socket, "KiB", PER_SOCKET_TARGETS),
            (f"{n} websocket connects, {CORRAL}", seconds, "s", dict.fromkeys(BASELINES, CONNECTS_TARGET)),
        ]
        lines = []
        for name, of, unit, bounds in measures:
            for baseline, bound in bounds.items():
                value, (middle, spread) = self._median(CORRAL, of), self._ratios(CORRAL, baseline, of)
                its = f"{baseline} {number(self._median(baseline, of))} {unit}{spread}"
                lines.append(Result(f"{name} (vs {baseline})", value, unit, middle, its, Target(bound, at_most=True)))
        rebuilt = self.rebuilt
        lines.append(
            Result(
                f"memory, projector rebuilding every view from {rebuilt.events:,} events",
                rebuilt.samples_kib[-1] / 1024,
                "MiB",
                rebuilt.flat,
                f"its own after the first batch, {number(rebuilt.samples_kib[0] / 1024)} MiB",
                Target(FLAT_TARGET, at_most=True),
            )
        )
        return lines

    def describe(self) -> list[str]:
        """A bullet per party: each round's memory, threads and seconds; one for the rebuild."""
        bullets = [
            f"- {party}: "
            + "; ".join(
                f"idle {number(h.idle_kib / 1024)} MiB, {h.idle_threads} threads → with {h.count:,} sockets "
                f"{number(h.held_kib / 1024)} MiB ({number(h.per_socket_kib)} KiB each), {h.held_threads} threads, "
                f"opened in {number(h.seconds)} s"
                for h in self.rounds[party]
            )
            for party in PARTIES
        ]
        samples = self.rebuilt.samples_kib
        bullets.append(
            f"- projector rebuilding {self.rebuilt.events:,} events: {len(samples)} batches, "
            f"{number(samples[0] / 1024)} MiB after the first, peak {number(max(samples) / 1024)} MiB, "
            f"{number(samples[-1] / 1024)} MiB after the last (end/start {ratio(self.rebuilt.flat)}); after each view: "
            + ", ".join(f"{view} {number(kib / 1024)} MiB" for view, kib in self.rebuilt.by_view)
        )
        return bullets


def hold(subscribers: Subscribers, served: Served, subscribe: str, count: int, settle: float = SETTLE) -> Held:
    """The server's memory and threads idle, then with `count` sockets open, each following a topic; how long the
    sockets took to open and hear they were subscribed. Each reading is taken `settle` seconds after the change."""
    url, pid, headers = served
    time.sleep(settle)
    idle_kib, idle_threads = rss_kib(pid), threads(pid)
    started = time.perf_counter()
    subscribers.open(url, url, headers, subscribe, count)
    seconds = time.perf_counter() - started
    try:
        time.sleep(settle)
        return Held(count, idle_kib, rss_kib(pid), idle_threads, threads(pid), seconds)
    finally:
        subscribers.close(url)


def measure_sockets(
    settings: Settings, sockets: int, rounds: int, settle: float = SETTLE
) -> dict[str, tuple[Held, ...]]:
    """In each round every party started afresh, in an order that turns from round to round, idle then holding
    `sockets` sockets."""

    @contextmanager
    def bare_websockets(compression: str | None) -> Iterator[Served]:
        server = BroadcastServer(compression)
        try:
            yield f"ws://127.0.0.1:{server.port}/", server.pid, {}
        finally:
            server.stop()

    held: dict[str, list[Held]] = {party: [] for party in PARTIES}
    with staged(settings, CLIENT_PROCESSES) as stage, TemporaryDirectory(prefix="corral-memory-bench-") as folder:

        @contextmanager
        def corral() -> Iterator[Served]:
            with stage.serve("fast") as served:
                yield served.live, served.server_pid, {"Authorization": f"Bearer {stage.token}"}

        @contextmanager
        def bare_app() -> Iterator[Served]:
            with app_service("bench.http_bare:app", Path(folder)) as service:
                yield f"ws://127.0.0.1:{service.port}/live", service.pid, {}

        starts: dict[str, Callable[[], AbstractContextManager[Served]]] = {
            CORRAL: corral,
            BARE_APP: bare_app,
            BARE_WEBSOCKETS: lambda: bare_websockets("deflate"),
            BARE_UNCOMPRESSED: lambda: bare_websockets(None),
        }
        for turn in range(rounds):
            for party in PARTIES[turn % len(PARTIES) :] + PARTIES[: turn % len(PARTIES)]:
                with starts[party]() as served:
                    held[party].append(hold(stage.subscribers, served, stage.subscribe, sockets, settle))
    return {party: tuple(rounds_) for party, rounds_ in held.items()}


def measure_rebuild(settings: Settings, events: int) -> Rebuilt:
    """Every view rebuilt from a log of at least `events` events, in a process of its own whose memory is read after
    each batch."""
    log = ensure_log(settings, events)
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe()
    process = context.Process(target=_rebuild_sampled, args=(settings, theirs), name="bench-rebuild")
    process.start()
    samples, by_view = mine.recv()
    process.join()
    return Rebuilt(log, samples, by_view)


def _rebuild_sampled(settings: Settings, pipe: Connection) -> None:
    app = build_application(settings)
    database, projections = build_views(settings)
    samples: list[int] = []
    by_view = []
    try:
        for projection in projections:
            rebuild(app, projection, on_batch=lambda _: samples.append(rss_kib(os.getpid())))
            by_view.append((projection.view.name, samples[-1]))
    finally:
        database.close()
        app.close()
        pipe.send((tuple(samples), tuple(by_view)))


def run(sockets: int = SOCKETS, rounds: int = ROUNDS, events: int = EVENTS, settle: float = SETTLE) -> Section:
    """On PostgreSQL: `corral serve` with a projector of its own, and the rebuild."""
    with postgres_store() as sockets_store:
        held = measure_sockets(sockets_store, sockets, rounds, settle)
    with postgres_store() as log_store:
        rebuilt = measure_rebuild(log_store, events)
    report = MemoryReport(sockets, held, rebuilt)
    return Section("Memory and connects (`bench/memory.py`)", measures(sockets, rounds, settle), [report])


def measures(sockets: int, rounds: int, settle: float = SETTLE) -> list[str]:
    """What the section measures."""
    return [
        "On PostgreSQL. Memory is the resident set (`VmRSS`) of a server process and any it started. In each of",
        f"{rounds} rounds, four servers are each started afresh, in an order that turns from round to round: `corral",
        "serve` (1 worker, `CORRAL_LIVE_SEND=fast`, a separate `corral projector` not counted); the bare FastAPI app of",
        "`bench/http_bare.py` served as `corral serve` serves Corral (`bench/serve_app.py`), whose `/live` websocket",
        "answers the first message `subscribed` and holds the socket; and the bare `websockets` server of",
        "`bench/live_peers.py`, as the library serves by default (offering permessage-deflate, which the subscribers",
        "accept) and without compression, as `corral serve` and the bare app serve (api/cli/serving.py). Each is",
        f"read idle ({settle:g} s after it answers), then {CLIENT_PROCESSES}",
        f"subscriber processes open {sockets:,} sockets on it, 25 at a time each, every socket sending the",
        "commissioner's `audit:<programme>` subscription (Corral's with a bearer token, all one account) and waiting",
        "for `subscribed`; the time to open them all is the connects line. The server is read again with the sockets",
        "open: per socket is the difference over their number. Each ratio is the median of the rounds' ratios, with",
        "their range. The projector line rebuilds every view (`projections.maintenance.rebuild`, as `corral",
        "projections rebuild` does, 1,000 events a batch) in a process of its own from a log generated through the",
        "use cases, reading its memory after each batch: the ratio is its memory after the last batch over that after",
        f"the first. Targets: connects at most {CONNECTS_TARGET:g}× the bare server's time (the issue's, whose bare",
        "server is the library's default; the same bound is put to the uncompressed one), the rebuild",
        f"flat within {FLAT_TARGET - 1:.0%} (the issue's); idle at most {IDLE_TARGET:g}× the bare app's, and a socket at",
        f"most {PER_SOCKET_TARGETS[BARE_APP]:g}× the bare app's and {PER_SOCKET_TARGETS[BARE_WEBSOCKETS]:g}× either bare",
        "websockets server's (budgets of this module: the issue sets none). The bare websockets server's idle memory",
        "includes the modules its spawned process imports with the driver's; only its per-socket figure is compared.",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Measure and print the section's lines."""
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--sockets", type=int, default=SOCKETS, help="sockets each server holds")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved rounds")
    parser.add_argument("--events", type=int, default=EVENTS, help="log size for the projector's rebuild")
    args = parser.parse_args(argv)
    for what, value in describe():
        print(f"{what}: {value}")
    section = run(args.sockets, args.rounds, args.events)
    for report in section.reports:
        for result in report.results():
            print(result.line(), flush=True)
        for line in report.describe():
            print(line)


if __name__ == "__main__":
    main()
