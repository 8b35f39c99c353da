"""The national scale's data: commissioners × providers × schemes × 4 quarters × years, written through the use cases
by several processes into one store (see bench/national.py for the run and its report)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from time import perf_counter
from typing import Any
from uuid import UUID

from api.cli.demo.play import register, staff
from api.storage.settings import Settings
from api.storage.wiring import build_application
from bench.stores import connect, generating_app
from bench.workload import BenchScheme, play_quarter, quarterly_milestones
from domain import ids
from domain.actors import Actor, Role
from domain.application import Corral
from domain.milestones import Quarter
from domain.organisation import Sector
from domain.programme import ProviderTerms
from domain.scheme import Participant, SchemeTerms

FIRST_YEAR = 2020


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
    register(app, code, f"National commissioner {number:02d}", Sector.ICB)
    for p, provider in enumerate(providers):
        register(app, provider, f"National provider {number:02d}-{p:02d}", Sector.ACUTE)
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
    milestones = quarterly_milestones(title, year, numeric, "{title}, {quarter}")
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
    in_processes(_generate_share, [(url, schema, scale, share) for share in shares if share])
    return Phase(event_count(settings), perf_counter() - started)


def in_processes(target: Callable[..., None], arguments: Sequence[tuple[Any, ...]]) -> None:
    """`target(*args)` for each args, in a spawned process each (here when there is one), all at once."""
    if len(arguments) == 1:
        target(*arguments[0])
        return
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=target, args=args) for args in arguments]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failed := [w.exitcode for w in workers if w.exitcode]:
        raise RuntimeError(f"{len(failed)} generating process(es) failed: exit codes {failed}")


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


def has_log(settings: Settings) -> bool:
    """True when the store already holds a log."""
    app = build_application(settings)
    try:
        return bool(app.recorder.max_notification_id())
    finally:
        app.close()


def generation_record(settings: Settings, phase: Phase | None = None, processes: int = 0) -> tuple[Phase, int] | None:
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
