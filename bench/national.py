"""The national scale: commissioners × providers × schemes × 4 quarters × years, every submission's whole lifecycle.

The shape: each commissioner has providers of its own and one programme a contract year, which all its
providers join; each programme agrees its schemes with every provider as a participant, led in turn by
the first providers; every scheme-quarter is then played through `bench.workload.play_quarter`
(submissions, revisions, withdrawals, returns, nudges, acceptances, packs, queries, assessments,
appeals, closure). Processes, one per core, each write a disjoint set of commissioners through their
own application into the same store. Then every view is built by the projector's catch-up, and the
audit-trail, dashboard and matrix reads are timed against the 50 ms target.

    python -m bench.national [--commissioners 42 --providers 12 --schemes 8 --years 5 --url URL]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from time import perf_counter
from uuid import UUID

from api.cli.demo.play import due, register, staff
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.machine import describe
from bench.results import Latencies, number
from bench.stores import POSTGRES_URL, connect, generating_app, postgres_store
from bench.workload import MEASURE, BenchScheme, play_quarter
from domain import ids
from domain.actors import Actor, Role
from domain.application import Corral
from domain.milestones import Milestone, Quarter
from domain.organisation import OrganisationKind
from domain.programme import ProviderTerms
from domain.scheme import Participant, SchemeTerms
from projections.audit.queries import audit_trail
from projections.audit.view import AuditView
from projections.database import ViewDatabase
from projections.progress.queries import progress_matrix, provider_dashboard
from projections.progress.view import ProgressView
from projections.runner import catch_up

FIRST_YEAR = 2020
TARGET_MS = 50.0
LAST_RUN = Path(__file__).with_name("national_last_run.md")


@dataclass(frozen=True)
class Scale:
    """How many of each: the issue's national scale by default."""

    commissioners: int = 42
    providers: int = 12
    schemes: int = 8
    years: int = 5

    @property
    def submissions(self) -> int:
        """Provider-milestones played through their lifecycle: one per provider, scheme, quarter and year."""
        return self.commissioners * self.providers * self.schemes * len(Quarter) * self.years

    def describe(self) -> str:
        """`42 commissioners × 12 providers × 8 schemes × 4 quarters × 5 years`."""
        return (
            f"{self.commissioners} commissioners × {self.providers} providers × {self.schemes} schemes"
            f" × {len(Quarter)} quarters × {self.years} years"
        )


def commissioner_code(number: int) -> str:
    """The code of the `number`th commissioner (from 0)."""
    return f"NAT-C{number:02d}"


def provider_code(commissioner: int, number: int) -> str:
    """The code of a commissioner's `number`th provider (from 0)."""
    return f"NAT-C{commissioner:02d}-P{number:02d}"


def programme_id(commissioner: int, year: int) -> UUID:
    """A commissioner's programme for one contract year."""
    return ids.programme_id(ids.organisation_id(commissioner_code(commissioner)), economy(commissioner), year)


def economy(commissioner: int) -> str:
    """The health economy a commissioner's programmes cover."""
    return f"National economy {commissioner:02d}"


def generate_commissioner(app: Corral, scale: Scale, number: int) -> None:
    """One commissioner and its providers, every year's programme, and every scheme-quarter played through."""
    code = commissioner_code(number)
    providers = tuple(provider_code(number, p) for p in range(scale.providers))
    register(app, code, f"National commissioner {number:02d}", OrganisationKind.COMMISSIONER)
    for p, provider in enumerate(providers):
        register(app, provider, f"National provider {number:02d}-{p:02d}", OrganisationKind.PROVIDER)
    gill = staff(code, Role.COMMISSIONER)
    for year in range(FIRST_YEAR, FIRST_YEAR + scale.years):
        per_lead = 1 if scale.schemes <= scale.providers else None
        programme = app.set_up_programme(gill, economy(number), year, schemes_per_lead=per_lead).id
        for p, provider in enumerate(providers):
            terms = ProviderTerms(ids.organisation_id(provider), Decimal(5_000_000 * (p + 1)), Decimal("0.0125"))
            app.join_programme(gill, programme, terms)
        schemes = [_agree(app, gill, programme, year, index, providers) for index in range(scale.schemes)]
        for quarter in Quarter:
            for scheme in schemes:
                play_quarter(app, scheme, quarter)


def _agree(app: Corral, gill: Actor, programme: UUID, year: int, index: int, providers: tuple[str, ...]) -> BenchScheme:
    """A scheme every provider joins, led by provider `index`, numeric from Q2 on every other scheme."""
    numeric, title = index % 2 == 0, f"National scheme {index + 1}"
    milestones = tuple(
        Milestone(
            q.value,
            f"{title}, {q.value}",
            q,
            due(q, year),
            measure=MEASURE if numeric and q is not Quarter.Q1 else None,
        )
        for q in Quarter
    )
    terms = SchemeTerms(title, tuple(Participant(ids.organisation_id(c)) for c in providers), milestones)
    scheme_id = app.draft_scheme(gill, programme, f"N{index + 1}", terms).id
    lead = providers[index % len(providers)]
    app.designate_lead(gill, scheme_id, ids.organisation_id(lead))
    for provider in (*providers, None):
        app.sign_scheme(gill if provider is None else staff(provider), scheme_id, 1)
    return BenchScheme(scheme_id, index, staff(lead), tuple(staff(c) for c in providers), numeric, gill)


def _generate_share(url: str, schema: str, scale: Scale, numbers: Sequence[int]) -> None:
    """One process's share of the commissioners, through a cached application of its own."""
    app = generating_app(Settings(database_url=url, database_schema=schema))
    try:
        for number in numbers:
            started = perf_counter()
            generate_commissioner(app, scale, number)
            print(f"  commissioner {number:02d} generated in {perf_counter() - started:.1f} s", flush=True)
    finally:
        app.close()


@dataclass(frozen=True)
class Phase:
    """A timed step over the log: how many events, in how many seconds."""

    events: int
    seconds: float
    earlier: bool = False  # measured by an earlier run into the same (kept) schema

    @property
    def rate(self) -> float:
        """Events per second."""
        return self.events / self.seconds


def generate(settings: Settings, scale: Scale, processes: int) -> Phase:
    """Write the whole scale through the application, commissioners shared round-robin between processes."""
    build_application(settings).close()  # create the tables once, before the writers race to
    url, schema = settings.database_url, settings.database_schema or ""
    shares = [list(range(scale.commissioners))[i::processes] for i in range(processes)]
    started = perf_counter()
    if processes == 1:
        _generate_share(url, schema, scale, shares[0])
    else:
        context = multiprocessing.get_context("spawn")
        workers = [context.Process(target=_generate_share, args=(url, schema, scale, s)) for s in shares if s]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        if failed := [w.exitcode for w in workers if w.exitcode]:
            raise RuntimeError(f"{len(failed)} generating process(es) failed: exit codes {failed}")
    return Phase(event_count(settings), perf_counter() - started)


@contextmanager
def kept_store(url: str, schema: str) -> Iterator[Settings]:
    """Settings for a store in `schema`, created if missing and kept afterwards."""
    conn = connect(Settings(database_url=url))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    finally:
        conn.close()
    yield Settings(database_url=url, database_schema=schema)


def _has_log(settings: Settings) -> bool:
    app = build_application(settings)
    try:
        return bool(app.recorder.max_notification_id())
    finally:
        app.close()


def _generation_record(settings: Settings, phase: Phase | None = None, processes: int = 0) -> tuple[Phase, int] | None:
    """Keep the generation's figures beside the log (when given), and read them back, for a later run to report."""
    conn = connect(settings)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS national_generation (events bigint, seconds float8, processes int)"
            )
            if phase is not None:
                cursor.execute(
                    "INSERT INTO national_generation VALUES (%s, %s, %s)", (phase.events, phase.seconds, processes)
                )
            cursor.execute("SELECT events, seconds, processes FROM national_generation")
            row = cursor.fetchone()
    finally:
        conn.close()
    return None if row is None else (Phase(int(row[0]), float(row[1]), earlier=True), int(row[2]))


def event_count(settings: Settings) -> int:
    """Rows in the event store."""
    conn = connect(settings)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM corral_events")
            return int(cursor.fetchone()[0])
    finally:
        conn.close()


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

    reads: list[tuple[str, Callable[[], object]]] = [
        ("audit trail, a programme's first page", lambda: audit_trail(audit, programme_id=programme())),
        ("audit trail, by provider and quarter", filtered),
        (
            "provider dashboard",
            lambda: provider_dashboard(progress, str(provider(pick.randrange(scale.commissioners)))),
        ),
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
    if not _has_log(settings):
        print(f"generating {scale.describe()} with {processes} process(es)", flush=True)
        generation = generate(settings, scale, processes)
        print(f"generated {generation.events:,} events in {generation.seconds:.0f} s", flush=True)
        _generation_record(settings, generation, processes)
    elif (recorded := _generation_record(settings)) is not None:
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
