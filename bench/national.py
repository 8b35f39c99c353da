"""The national scale: commissioners × providers × schemes × 4 quarters × years, every submission's whole lifecycle.

The shape: each commissioner has providers of its own and one programme a contract year, which all its
providers join; each programme agrees its schemes with every provider as a participant, led in turn by
the first providers; every scheme-quarter is then played through `bench.workload.play_quarter`
(submissions, revisions, withdrawals, returns, nudges, acceptances, packs, queries, assessments,
appeals, closure). Processes, one per core, each write a disjoint set of commissioners through their
own application into the same store. Then every view is built by the projector's catch-up, and the
audit-trail, dashboard and matrix reads are timed against the 20 ms target. The data and its writing are
bench/national_data.py; the rebuild, the reads and the report are here.

    python -m bench.national [--commissioners 42 --providers 12 --schemes 8 --years 5 --url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from uuid import UUID

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.machine import describe
from bench.national_data import FIRST_YEAR as FIRST_YEAR
from bench.national_data import Phase, event_count, generate, generation_record, has_log, kept_store, provider_code
from bench.national_data import Scale as Scale
from bench.national_data import programme_id as programme_id
from bench.results import Latencies, number
from bench.stores import POSTGRES_URL, postgres_store
from domain import ids
from domain.milestones import Quarter
from projections.audit.queries import audit_trail
from projections.audit.view import AuditView
from projections.database import ViewDatabase
from projections.progress.queries import joined_programmes, provider_dashboard
from projections.progress.queries import progress_matrix
from projections.progress.view import ProgressView
from projections.runner import catch_up

TARGET_MS = 20.0  # issue 22's: the national scale's dashboard, matrix and audit reads at p99 ≤ 20 ms
LAST_RUN = Path(__file__).with_name("national_last_run.md")


def build(settings: Settings) -> Phase:
    """Every view caught up from empty by the projector's batched catch-up."""
    app = build_application(settings)
    database, projections = build_views(settings)
    try:
        started = perf_counter()
        for projection in projections:
            projection.view.drop()
            projection.view.create()
        catch_up(app, projections)
        seconds = perf_counter() - started
    finally:
        database.close()
        app.close()
    return Phase(event_count(settings), seconds)


@dataclass(frozen=True)
class QueryTiming:
    """One read, timed over random arguments."""

    name: str
    latencies: Latencies

    @property
    def met(self) -> bool:
        """True when p99 is within the target."""
        return self.latencies.p99_ms <= TARGET_MS


def measure_queries(settings: Settings, scale: Scale, calls: int = 200, seed: int = 7) -> list[QueryTiming]:
    """p50 and p99 of each read over `calls` random programmes, providers and quarters (after a few warm-ups)."""
    pick = random.Random(seed)
    database = ViewDatabase(settings.database_url, settings.database_schema)
    audit, progress = AuditView(database), ProgressView(database)

    def programme() -> UUID:
        return programme_id(pick.randrange(scale.commissioners), FIRST_YEAR + pick.randrange(scale.years))

    def provider(commissioner: int) -> UUID:
        return ids.organisation_id(provider_code(commissioner, pick.randrange(scale.providers)))

    def filtered() -> object:
        commissioner, year = pick.randrange(scale.commissioners), FIRST_YEAR + pick.randrange(scale.years)
        quarter = pick.choice(list(Quarter))
        return audit_trail(
            audit, programme_id=programme_id(commissioner, year), provider_id=provider(commissioner), quarter=quarter
        )

    def one_year_dashboard() -> object:
        provider_id, year = str(provider(pick.randrange(scale.commissioners))), FIRST_YEAR + pick.randrange(scale.years)
        return provider_dashboard(progress, provider_id, programmes=joined_programmes(progress, provider_id, year))

    reads: list[tuple[str, Callable[[], object]]] = [
        ("audit trail, a programme's first page", lambda: audit_trail(audit, programme_id=programme())),
        ("audit trail, by provider and quarter", filtered),
        (
            "provider dashboard, every year",
            lambda: provider_dashboard(progress, str(provider(pick.randrange(scale.commissioners)))),
        ),
        ("provider dashboard, one year (as its home shows it)", one_year_dashboard),
        ("progress matrix", lambda: progress_matrix(progress, str(programme()))),
    ]
    try:
        return [QueryTiming(name, _time(read, calls)) for name, read in reads]
    finally:
        database.close()


def _time(read: Callable[[], object], calls: int, warmup: int = 5) -> Latencies:
    for _ in range(warmup):
        read()
    samples = []
    for _ in range(calls):
        started = perf_counter()
        read()
        samples.append(perf_counter() - started)
    return Latencies(tuple(samples))


@dataclass(frozen=True)
class NationalRun:
    """What one run measured."""

    scale: Scale
    processes: int
    generation: Phase | None
    rebuild: Phase
    queries: list[QueryTiming]

    def render(self, machine: Sequence[tuple[str, str]], command: str) -> str:
        """The report, in Markdown."""
        lines = [
            "# National-scale data: the last run",
            "",
            f"Written by `{command}` (`bench/national.py`); each run rewrites it.",
            "",
            *(f"- {what}: {value}" for what, value in machine),
            "",
            f"**Scale:** {self.scale.describe()}: {self.scale.submissions:,} submissions, each through its"
            " whole lifecycle. Each commissioner has providers of its own and a programme a contract year that"
            " all of them join; every provider takes part in every scheme, and each scheme is led by a different"
            " provider.",
            "",
            f"- events in the log: {self.rebuild.events:,}",
            f"- generation through the application ({self.processes} processes): {self._generated()}",
            f"- rebuild of every view (catch-up from empty): {self.rebuild.seconds:,.0f} s, "
            f"{number(self.rebuild.rate)} events/s",
            "",
            f"| read (over {len(self.queries[0].latencies.samples)} random calls) | p50 ms | p99 ms | "
            f"target p99 | met |",
            "| --- | --- | --- | --- | --- |",
            *(
                f"| {q.name} | {number(q.latencies.p50_ms)} | {number(q.latencies.p99_ms)} | ≤ {TARGET_MS:g} ms | "
                f"{'yes' if q.met else 'no'} |"
                for q in self.queries
            ),
        ]
        return "\n".join(lines) + "\n"

    def _generated(self) -> str:
        if self.generation is None:
            return "by an earlier run into the same schema (not timed here)"
        earlier = " (by an earlier run into the same schema)" if self.generation.earlier else ""
        return f"{self.generation.seconds:,.0f} s, {number(self.generation.rate)} events/s{earlier}"


def run(settings: Settings, scale: Scale, processes: int, calls: int = 200) -> NationalRun:
    """Generate (unless the store already holds a log), rebuild, then time the reads, printing each phase."""
    generation = None
    if not has_log(settings):
        print(f"generating {scale.describe()} with {processes} process(es)", flush=True)
        generation = generate(settings, scale, processes)
        print(f"generated {generation.events:,} events in {generation.seconds:.0f} s", flush=True)
        generation_record(settings, generation, processes)
    elif (recorded := generation_record(settings)) is not None:
        generation, processes = recorded
    rebuild = build(settings)
    print(f"rebuilt every view in {rebuild.seconds:.0f} s", flush=True)
    return NationalRun(scale, processes, generation, rebuild, measure_queries(settings, scale, calls))


def main(argv: Sequence[str] | None = None) -> None:
    """Run at the scale asked for and write the report to bench/national_last_run.md."""
    defaults = Scale()
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.splitlines()[0])
    parser.add_argument("--commissioners", type=int, default=defaults.commissioners)
    parser.add_argument("--providers", type=int, default=defaults.providers)
    parser.add_argument("--schemes", type=int, default=defaults.schemes)
    parser.add_argument("--years", type=int, default=defaults.years)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--url", default=POSTGRES_URL)
    parser.add_argument("--output", type=Path, default=LAST_RUN)
    parser.add_argument("--schema", help="keep the store in this schema; a later run with it rebuilds and reads again")
    args = parser.parse_args(argv)
    scale = Scale(args.commissioners, args.providers, args.schemes, args.years)
    with postgres_store(args.url) if args.schema is None else kept_store(args.url, args.schema) as settings:
        measured = run(settings, scale, args.processes, args.calls)
    report = measured.render(describe(), "python -m bench.national " + " ".join(argv or sys.argv[1:]))
    print(report)
    args.output.write_text(report)


if __name__ == "__main__":
    main()
