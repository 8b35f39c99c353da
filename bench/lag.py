"""Append→view latency with the projector in a thread, against a bare wake-up round trip in the same database."""

from __future__ import annotations

import argparse
import bisect
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from sqlalchemy import Engine

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.breakdown import StatementCounter
from bench.raw import wake_up_round_trips
from bench.results import Latencies, Result, Target, number
from bench.stores import database_name, generating_app, postgres_store, sqlite_store
from bench.workload import Churn, grow_log, head
from domain.application import Corral
from projections.database import ViewDatabase
from projections.projection import ViewProjection
from projections.runner import Projector

RATIO_TARGET = 3.0  # issue 22: p50 at most 3× the raw round trip
P99_TARGET_MS = 10.0
LOG_EVENTS = 1000
WARMUP = 10


@dataclass(frozen=True)
class LagReport:
    """Latencies of one-event commands until the views have them, and the raw round trip."""

    database: str
    waited: Latencies
    committed: Latencies
    per_view: tuple[tuple[str, Latencies], ...]
    raw: Latencies
    raw_after_commit: Latencies
    projector_statements: tuple[tuple[str, float, float], ...] = ()
    wait_polls: float = 0.0

    def results(self) -> list[Result]:
        """p50 and p99 until wait() returns, then until the last view's batch committed."""
        how = "LISTEN/NOTIFY" if self.database == "postgresql" else "polling"
        lines = []
        for measured, what in ((self.waited, "wait() returns"), (self.committed, "every view committed")):
            for name, value, raw, target in (
                ("p50", measured.p50_ms, self.raw.p50_ms, Target(RATIO_TARGET, at_most=True)),
                ("p99", measured.p99_ms, self.raw.p99_ms, self._p99_target()),
            ):
                lines.append(
                    Result(
                        f"lag {self.database} {name}, command return → {what}",
                        value,
                        "ms",
                        value / raw,
                        f"raw {how} round trip {name} {number(raw)} ms",
                        target,
                    )
                )
        return lines

    def describe(self) -> list[str]:
        """Markdown bullets: when each view committed, what wait() added, the statements per command, the raw parts."""
        views = ", then ".join(f"{view} p50 {number(lat.p50_ms)} ms" for view, lat in self.per_view)
        statements = sum(count for _, count, _ in self.projector_statements)
        busiest = "; ".join(f"`{k}` {c:.2f}, {number(ms)} ms" for k, c, ms in self.projector_statements[:8])
        why = "the listener can hear first" if self.database == "postgresql" else "the listener polls every 50 ms"
        return [
            f"- **{self.database}**: after the command returned, the views committed one after the other ({views}); "
            f"wait() returned at p50 {number(self.waited.p50_ms)} ms, woken by the projector's commit in this process "
            f"({self.wait_polls:.1f} reads of the tracking rows a command).",
            f"- **{self.database}** projector thread, per command: {statements:.1f} statements. Busiest: {busiest}.",
            f"- **{self.database}** raw round trip: {self.raw.describe()} from the start of the writer's transaction; "
            f"{self.raw_after_commit.describe()} after its commit returned ({why}).",
        ]

    def _p99_target(self) -> Target:
        # SQLite is polled, so no p99 in milliseconds can be asked of it: only the ratio to raw polling.
        if self.database == "postgresql":
            return Target(P99_TARGET_MS, at_most=True, unit="ms")
        return Target(RATIO_TARGET, at_most=True)


class CommitClock:
    """Notes when each view's position commits, and where to: bench-only instrumentation."""

    def __init__(self, projections: Sequence[ViewProjection[Any]]) -> None:
        self.commits: dict[str, tuple[list[int], list[float]]] = {}
        for projection in projections:
            self._instrument(projection.view)

    def _instrument(self, view: Any) -> None:
        positions, times = self.commits.setdefault(view.key, ([], []))
        settle = view.commits.settle

        def timed_settle(position: int | None) -> None:
            if position is not None:
                positions.append(position)
                times.append(perf_counter())
            settle(position)

        setattr(view.commits, "settle", timed_settle)

    def committed_at(self, view: str, position: int) -> float:
        """When the view's batch that applied `position` committed."""
        positions, times = self.commits[view]
        return times[bisect.bisect_left(positions, position)]


def measure(settings: Settings, samples: int, log_events: int = LOG_EVENTS, warmup: int = WARMUP) -> LagReport:
    """Issue `samples` one-event commands one at a time, each followed by the projector's wait for its position."""
    generator = generating_app(settings)
    try:
        grow_log(generator, log_events)
    finally:
        generator.close()
    raw_before = wake_up_round_trips(settings, samples // 2)
    app = build_application(settings)
    database, projections = build_views(settings)
    clock = CommitClock(projections)
    churn = Churn(app)
    projector = Projector(app, projections).start()
    returned: dict[int, float] = {}
    waited = []
    try:
        projector.wait(head(app), timeout=300)
        for _ in range(warmup):
            projector.wait(churn.step().position, timeout=10)
        for _ in range(samples):
            recorded = churn.step()
            started = perf_counter()
            projector.wait(recorded.position, timeout=10)
            waited.append(perf_counter() - started)
            returned[recorded.position] = started
        statements, polls = _count_statements(app, database, projector, churn, min(samples, 50))
    finally:
        projector.stop()
        database.close()
        app.close()
    raw_after = wake_up_round_trips(settings, samples - samples // 2)
    views = [p.view.key for p in projections]
    # A view may commit before the command has returned to its caller (the projector's thread ran first): for the
    # caller, that view lagged not at all.
    per_view = {
        view: Latencies(tuple(max(clock.committed_at(view, p) - t, 0.0) for p, t in returned.items())) for view in views
    }
    committed = tuple(max(max(clock.committed_at(v, p) for v in views) - t, 0.0) for p, t in returned.items())
    return LagReport(
        database_name(settings),
        Latencies(tuple(waited)),
        Latencies(committed),
        tuple(per_view.items()),
        Latencies(raw_before[0].samples + raw_after[0].samples),
        Latencies(raw_before[1].samples + raw_after[1].samples),
        statements,
        polls,
    )


def _count_statements(
    app: Corral, database: ViewDatabase, projector: Projector, churn: Churn, commands: int
) -> tuple[tuple[tuple[str, float, float], ...], float]:
    """After the timed samples: the projector thread's statements per command, and wait()'s reads per command."""
    engine, reads = database.engine, database.reads
    thread = "corral-projector"
    recorder_engine: Engine = app.recorder.datastore.engine  # type: ignore[attr-defined]
    # The batches' engine has the views' engine's events, which a batch gives the statements it renders itself too.
    counters = [StatementCounter(engine, thread), StatementCounter(recorder_engine, thread)]
    polls = StatementCounter(reads, threading.current_thread().name)
    try:
        for _ in range(commands):
            projector.wait(churn.step().position, timeout=10)
    finally:
        for counter in (*counters, polls):
            counter.close()
    busiest = sorted((row for c in counters for row in c.top(commands, 20)), key=lambda row: -row[2])
    return tuple(busiest), sum(polls.counts.values()) / commands


def run(samples: int, sqlite_samples: int) -> list[LagReport]:
    """On PostgreSQL (LISTEN/NOTIFY), then on SQLite (polling)."""
    with postgres_store() as postgres:
        reports = [measure(postgres, samples)]
    with sqlite_store() as sqlite:
        reports.append(measure(sqlite, sqlite_samples))
    return reports


def main(argv: list[str] | None = None) -> int:
    """Measure and print, without touching BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.lag", description=__doc__)
    parser.add_argument("--samples", type=int, default=300, help="one-event commands on PostgreSQL")
    parser.add_argument("--sqlite-samples", type=int, default=100, help="on SQLite (0: PostgreSQL only)")
    args = parser.parse_args(argv)
    with postgres_store() as postgres:
        reports = [measure(postgres, args.samples)]
    if args.sqlite_samples:
        with sqlite_store() as sqlite:
            reports.append(measure(sqlite, args.sqlite_samples))
    for report in reports:
        print("\n".join([*(r.line() for r in report.results()), *report.describe()]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
