"""Rebuild every view from the whole log, against raw batched INSERTs of as many rows in the same database."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from time import perf_counter

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench import breakdown, insert_styles
from bench.breakdown import Breakdown
from bench.insert_styles import StyleRate
from bench.raw import insert_rate
from bench.results import Result, Target, number
from bench.stores import copy_log, database_name, generating_app, postgres_store, sqlite_store
from bench.workload import grow_log, head
from projections.maintenance import rebuild

TARGET = 0.3


@dataclass(frozen=True)
class ViewRebuild:
    """One view rebuilt from position 0 to the head."""

    view: str
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        """Events applied per second."""
        return self.events / self.seconds


@dataclass(frozen=True)
class RebuildReport:
    """Every view's rebuild and the raw insert rate, measured in one store."""

    database: str
    events: int
    views: tuple[ViewRebuild, ...]
    raw_rates: tuple[float, ...]

    @property
    def raw_rate(self) -> float:
        """The raw baseline in rows/s: the median of its runs."""
        return statistics.median(self.raw_rates)

    @property
    def all_views_rate(self) -> float:
        """Log events per second when every view is rebuilt, one after another."""
        return self.events / sum(v.seconds for v in self.views)

    def results(self) -> list[Result]:
        """A line per view, then one for all views, whose target is the per-view one shared between them."""
        driver = "psycopg2" if self.database == "postgresql" else "sqlite3"
        baseline = f"raw {driver} INSERTs {number(self.raw_rate)} rows/s"
        lines = [
            Result(
                f"rebuild {self.database} {v.view}",
                v.rate,
                "events/s",
                v.rate / self.raw_rate,
                baseline,
                Target(TARGET, at_most=False),
            )
            for v in self.views
        ]
        lines.append(
            Result(
                f"rebuild {self.database} all {len(self.views)} views",
                self.all_views_rate,
                "events/s",
                self.all_views_rate / self.raw_rate,
                baseline,
                Target(round(TARGET / len(self.views), 3), at_most=False),
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


def measure(settings: Settings, events: int, raw_runs: int = 2) -> RebuildReport:
    """Rebuild each view over a log of at least `events` events; raw INSERT runs before and after the rebuilds."""
    log = ensure_log(settings, events)
    app = build_application(settings)
    database, projections = build_views(settings)
    try:
        raw_rates = [insert_rate(settings, log)]
        views = []
        for projection in projections:
            started = perf_counter()
            applied = rebuild(app, projection)
            views.append(ViewRebuild(projection.view.name, applied, perf_counter() - started))
        raw_rates += [insert_rate(settings, log) for _ in range(raw_runs - 1)]
    finally:
        database.close()
        app.close()
    return RebuildReport(database_name(settings), log, tuple(views), tuple(raw_rates))


@dataclass(frozen=True)
class RebuildRun:
    """Both databases' rebuilds, and the instrumented runs that say where their time went."""

    reports: tuple[RebuildReport, ...]
    breakdowns: tuple[Breakdown, ...]
    styles: tuple[StyleRate, ...]


def run(events: int, profiled_events: int) -> RebuildRun:
    """On PostgreSQL with a log generated through the use cases, then on SQLite with a copy of that same log.

    After each database's timed rebuilds come an instrumented rebuild of the first `profiled_events` events,
    and as many audit-shaped rows written through SQLAlchemy Core in three styles.
    """
    reports, breakdowns, styles = [], [], []
    with postgres_store() as postgres:
        reports.append(measure(postgres, events))
        breakdowns += breakdown.measure(postgres, profiled_events)
        styles += insert_styles.measure(postgres, profiled_events)
        with sqlite_store() as sqlite:
            source, target = build_application(postgres), build_application(sqlite)
            try:
                copy_log(source, target)
            finally:
                source.close()
                target.close()
            reports.append(measure(sqlite, events))
            breakdowns += breakdown.measure(sqlite, profiled_events)
            styles += insert_styles.measure(sqlite, profiled_events)
    return RebuildRun(tuple(reports), tuple(breakdowns), tuple(styles))
