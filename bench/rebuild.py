"""Rebuild every view from the whole log, against raw batched INSERTs of as many rows in the same database."""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass
from time import perf_counter

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench import breakdown, insert_styles
from bench.breakdown import Breakdown
from bench.insert_styles import StyleRate
from bench.raw import insert_rate
from bench.results import Result, Target, median_of_rounds, number, ratio
from bench.stores import copy_log, database_name, generating_app, postgres_store, sqlite_store
from bench.workload import grow_log, head
from domain.application import Corral
from projections.maintenance import rebuild
from projections.safe import safe_event

TARGETS = {"postgresql": 0.5, "sqlite": 0.15}  # of raw batched INSERTs, per view (issue 22)
ROUNDS = 3


@dataclass(frozen=True)
class ViewRebuild:
    """One view rebuilt from position 0 to the head in each round, each time just after a raw run."""

    view: str
    events: int
    rounds: tuple[tuple[float, float], ...]  # (seconds the rebuild took, the raw rows/s just before it)

    @property
    def rate(self) -> float:
        """Events applied per second: the median of the rounds."""
        return statistics.median(self.events / seconds for seconds, _ in self.rounds)

    @property
    def ratios(self) -> list[float]:
        """Each round's rate over the raw rate measured just before it."""
        return [self.events / seconds / raw for seconds, raw in self.rounds]


@dataclass(frozen=True)
class RebuildReport:
    """Every view's rebuild against raw batched INSERTs of as many rows, in interleaved rounds in one store."""

    database: str
    events: int
    views: tuple[ViewRebuild, ...]
    # The log read and decoded as a rebuild does, into no view: what no view's rebuild can be faster than.
    log_alone: ViewRebuild | None = None

    def describe_log_alone(self) -> str:
        """A markdown bullet: the rate of reading and decoding the log alone, against the same baseline."""
        if self.log_alone is None:
            return ""
        middle, spread = median_of_rounds(self.log_alone.ratios)
        return (
            f"- {self.database}, reading and decoding the log alone (no view): {number(self.log_alone.rate)} events/s, "
            f"ratio {ratio(middle)} of raw{spread}"
        )

    @property
    def raw_rates(self) -> list[float]:
        """Every raw run's rows/s."""
        return [raw for v in self.views for _, raw in v.rounds]

    @property
    def raw_rate(self) -> float:
        """The raw baseline in rows/s: the median of its runs."""
        return statistics.median(self.raw_rates)

    @property
    def all_views_rate(self) -> float:
        """Log events per second when every view is rebuilt, one after another: the median of the rounds."""
        return statistics.median(self.events / sum(r) for r in self._round_seconds())

    def _round_seconds(self) -> list[list[float]]:
        return [[v.rounds[n][0] for v in self.views] for n in range(len(self.views[0].rounds))]

    def _all_views_ratios(self) -> list[float]:
        raws = [[v.rounds[n][1] for v in self.views] for n in range(len(self.views[0].rounds))]
        return [self.events / sum(s) / statistics.median(r) for s, r in zip(self._round_seconds(), raws, strict=True)]

    def results(self) -> list[Result]:
        """A line per view, then one for all views, whose target is the per-view one shared between them."""
        driver = "psycopg2 execute_values" if self.database == "postgresql" else "sqlite3 executemany"
        baseline = f"raw {driver} INSERTs {number(self.raw_rate)} rows/s, 1,000 a transaction"
        lines, target = [], TARGETS[self.database]
        for v in self.views:
            middle, spread = median_of_rounds(v.ratios)
            lines.append(
                Result(
                    f"rebuild {self.database} {v.view}",
                    v.rate,
                    "events/s",
                    middle,
                    baseline + spread,
                    Target(target, at_most=False),
                )
            )
        middle, spread = median_of_rounds(self._all_views_ratios())
        lines.append(
            Result(
                f"rebuild {self.database} all {len(self.views)} views",
                self.all_views_rate,
                "events/s",
                middle,
                baseline + spread,
                Target(round(target / len(self.views), 3), at_most=False),
            )
        )
        return lines


def ensure_log(settings: Settings, events: int) -> int:
    """Grow the store's log through the use cases until it holds at least `events` events; returns the head."""
    app = generating_app(settings)
    try:
        return head(app) if head(app) >= events else grow_log(app, events)
    finally:
        app.close()


def measure(settings: Settings, events: int, raw_runs: int = ROUNDS) -> RebuildReport:
    """Rebuild each view over a log of at least `events` events in `raw_runs` rounds; in each round every view's
    rebuild comes straight after a raw run of as many rows, and its ratio is taken against that run."""
    log = ensure_log(settings, events)
    app = build_application(settings)
    database, projections = build_views(settings)
    rounds: dict[str, list[tuple[float, float]]] = {p.view.name: [] for p in projections}
    alone: list[tuple[float, float]] = []
    try:
        for _ in range(raw_runs):
            raw = insert_rate(settings, log)
            alone.append((read_log(app), raw))
            for projection in projections:
                raw = insert_rate(settings, log)
                started = perf_counter()
                applied = rebuild(app, projection)
                rounds[projection.view.name].append((perf_counter() - started, raw))
                if applied != log:
                    raise RuntimeError(f"{projection.view.name} reached {applied}, not the head {log}")
    finally:
        database.close()
        app.close()
    views = tuple(ViewRebuild(name, log, tuple(measured)) for name, measured in rounds.items())
    return RebuildReport(database_name(settings), log, views, ViewRebuild("log alone", log, tuple(alone)))


def read_log(app: Corral, batch_size: int = 1000) -> float:
    """Seconds to read the whole log in batches and decode each event and make it safe, as a rebuild does."""
    started, position = perf_counter(), 0
    while notifications := app.recorder.select_notifications(start=position + 1, limit=batch_size):
        for notification in notifications:
            safe_event(app.mapper.to_domain_event(notification))
        position = notifications[-1].id
    return perf_counter() - started


@dataclass(frozen=True)
class RebuildRun:
    """Both databases' rebuilds, and the instrumented runs that say where their time went."""

    reports: tuple[RebuildReport, ...]
    breakdowns: tuple[Breakdown, ...]
    styles: tuple[StyleRate, ...]


def run(events: int, profiled_events: int, rounds: int = ROUNDS) -> RebuildRun:
    """On PostgreSQL with a log generated through the use cases, then on SQLite with a copy of that same log.

    Unless `profiled_events` is 0, after each database's timed rebuilds come an instrumented rebuild of the first
    `profiled_events` events, and as many audit-shaped rows written through SQLAlchemy Core in three styles.
    """
    reports, breakdowns, styles = [], [], []
    with postgres_store() as postgres:
        reports.append(measure(postgres, events, rounds))
        if profiled_events:
            breakdowns += breakdown.measure(postgres, profiled_events)
            styles += insert_styles.measure(postgres, profiled_events)
        with sqlite_store() as sqlite:
            source, target = build_application(postgres), build_application(sqlite)
            try:
                copy_log(source, target)
            finally:
                source.close()
                target.close()
            reports.append(measure(sqlite, events, rounds))
            if profiled_events:
                breakdowns += breakdown.measure(sqlite, profiled_events)
                styles += insert_styles.measure(sqlite, profiled_events)
    return RebuildRun(tuple(reports), tuple(breakdowns), tuple(styles))


def main(argv: list[str] | None = None) -> int:
    """Measure the rebuilds alone and print their result lines: `python -m bench.rebuild`."""
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="log size (default 20,000)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"interleaved rounds (default {ROUNDS})")
    args = parser.parse_args(argv)
    for report in run(args.events, 0, args.rounds).reports:
        for line in [r.line() for r in report.results()] + [report.describe_log_alone()]:
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
