"""Growth: do the reads a screen makes cost what they show, or the whole history? The provider dashboard, the progress
matrix, the audit trail's first page and a programme's payments, timed over a log of about 10k events and one ten
times as long, as the ratio p50(large) / p50(small): the median of interleaved rounds' ratios, with their range.

The stores are the national shape (bench/national_data.py) with the years multiplied: each provider is in one
programme a year, so the large log's providers are in ten times as many programmes, each as big as the small one's.

    python -m bench.growth [--commissioners 2 --providers 6 --schemes 5 --years 4 --factor 10 --rounds 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from uuid import UUID

from api.storage.settings import Settings
from bench.machine import describe
from bench.national import build
from bench.national_data import FIRST_YEAR, Scale, generate, programme_id, provider_code
from bench.payments import _time
from bench.report import Section
from bench.results import Latencies, Result, Target, ratio
from bench.stores import POSTGRES_URL, postgres_store
from domain import ids
from projections.audit.queries import audit_trail
from projections.audit.view import AuditView
from projections.database import ViewDatabase
from projections.progress.queries import joined_programmes, programme_payments, progress_matrix, provider_dashboard
from projections.progress.view import ProgressView

SMALL = Scale(commissioners=2, providers=6, schemes=5, years=4)  # about 10k events; x10 years, about 100k
FACTOR = 10
ROUNDS = 7
CALLS = 20  # per read, store and round
TARGET = 1.5  # the issue's: at most 1.5x slower for 10x the events
PROCESSES = 2
Read = Callable[[], object]


@dataclass(frozen=True)
class Grown:
    """One read at both sizes: each round's p50s, small then large."""

    name: str
    small: tuple[Latencies, ...]
    large: tuple[Latencies, ...]

    @property
    def ratios(self) -> list[float]:
        """Each round's p50(large) / p50(small)."""
        return [big.p50_ms / little.p50_ms for little, big in zip(self.small, self.large, strict=True)]

    def pooled(self, rounds: tuple[Latencies, ...]) -> Latencies:
        """Every round's samples together."""
        return Latencies(tuple(s for latencies in rounds for s in latencies.samples))


@dataclass(frozen=True)
class GrowthReport:
    """Every read's growth from the small log to the large."""

    small_events: int
    large_events: int
    grown: tuple[Grown, ...]

    def results(self) -> list[Result]:
        """A line per read: its p50 on the large log, and the median ratio to its p50 on the small."""
        rounds = len(self.grown[0].ratios) if self.grown else 0
        return [
            Result(
                f"growth, {g.name}, {self.small_events:,} → {self.large_events:,} events",
                g.pooled(g.large).p50_ms,
                "ms",
                statistics.median(g.ratios),
                f"its p50 on {self.small_events:,} events (median of {rounds} rounds, range "
                f"{ratio(min(g.ratios))}–{ratio(max(g.ratios))})",
                Target(TARGET, at_most=True),
            )
            for g in self.grown
        ]

    def describe(self) -> list[str]:
        """A bullet per read: its latencies on each log."""
        return [
            f"- {g.name}: {self.small_events:,} events {g.pooled(g.small).describe()}; {self.large_events:,} events "
            f"{g.pooled(g.large).describe()}; ratio {ratio(statistics.median(g.ratios))} "
            f"({', '.join(ratio(r) for r in g.ratios)})"
            for g in self.grown
        ]


def reads(database: ViewDatabase, scale: Scale, seed: int = 7) -> list[tuple[str, Read]]:
    """The four reads over random programmes and providers of the store, the same sequence for every size."""
    pick = random.Random(seed)
    audit, progress = AuditView(database), ProgressView(database)

    def programme() -> UUID:
        return programme_id(pick.randrange(scale.commissioners), FIRST_YEAR + pick.randrange(scale.years))

    def provider() -> str:
        code = provider_code(pick.randrange(scale.commissioners), pick.randrange(scale.providers))
        return str(ids.organisation_id(code))

    def this_years_dashboard() -> object:
        """What a provider's home shows by default: its programmes of the current (here: the latest) year."""
        provider_id, year = provider(), FIRST_YEAR + scale.years - 1
        return provider_dashboard(progress, provider_id, programmes=joined_programmes(progress, provider_id, year))

    return [
        ("provider dashboard, this year", this_years_dashboard),
        ("progress matrix", lambda: progress_matrix(progress, str(programme()))),
        ("audit trail, a programme's first page", lambda: audit_trail(audit, programme_id=programme())),
        ("a programme's payments", lambda: programme_payments(progress, str(programme()))),
    ]


def measure(
    small: Settings, large: Settings, small_scale: Scale, large_scale: Scale, rounds: int, calls: int
) -> tuple[Grown, ...]:
    """Each read timed on both stores in every round, which store goes first alternating round by round."""
    with ExitStack() as stack:
        databases = [ViewDatabase(s.database_url, s.database_schema) for s in (small, large)]
        for database in databases:
            stack.callback(database.close)
        both = [reads(databases[0], small_scale), reads(databases[1], large_scale)]
        for _, read in (r for size in both for r in size):
            for _ in range(3):
                read()  # unmeasured: connections opened, statements compiled
        timed: list[list[list[Latencies]]] = [[[], []] for _ in both[0]]
        for round_ in range(rounds):
            for index in range(len(both[0])):
                for size in (0, 1) if round_ % 2 == 0 else (1, 0):
                    timed[index][size].append(_time(both[size][index][1], calls))
        return tuple(Grown(name, tuple(t[0]), tuple(t[1])) for (name, _), t in zip(both[0], timed, strict=True))


def run(
    scale: Scale = SMALL,
    factor: int = FACTOR,
    rounds: int = ROUNDS,
    calls: int = CALLS,
    processes: int = PROCESSES,
    url: str = POSTGRES_URL,
) -> Section:
    """Generate both logs into throwaway schemas, build every view of each, then time the reads."""
    large_scale = replace(scale, years=scale.years * factor)
    with postgres_store(url) as small, postgres_store(url) as large:
        events = []
        for settings, size in ((small, scale), (large, large_scale)):
            generate(settings, size, processes)
            built = build(settings)
            print(f"growth: {size.describe()}: {built.events:,} events, views built in {built.seconds:.0f} s")
            events.append(built.events)
        grown = measure(small, large, scale, large_scale, rounds, calls)
    report = GrowthReport(events[0], events[1], grown)
    return Section("Reads as the log grows (`bench/growth.py`)", measures(scale, factor, rounds, calls), [report])


def measures(small: Scale, factor: int, rounds: int, calls: int) -> list[str]:
    """What the section measures."""
    return [
        "On PostgreSQL, two logs written through the use cases in the national shape (`bench/national_data.py`):",
        f"{small.describe()}, and {factor} times as many years, every view built by the projector's catch-up. Each",
        f"provider is in one programme a year, so on the large log it is in {factor} times as many, each the size of",
        "the small log's. Timed in this process: a random provider's dashboard as its home shows it (its programmes",
        "of the latest year: `joined_programmes` of that year, then `provider_dashboard`), `progress_matrix`, the audit",
        "trail's first page and `programme_payments` of a random programme. In each of",
        f"{rounds} rounds every read runs {calls} times on each log (which log goes first alternating, after 3",
        "unmeasured calls each); a line's value is its p50 on the large log over all rounds, its ratio the median",
        f"of the rounds' p50(large) / p50(small), with their range. Target, from the issue: at most {TARGET:g}.",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Run at the size asked for and print the result lines and the bullets."""
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__.splitlines()[0])
    parser.add_argument("--commissioners", type=int, default=SMALL.commissioners)
    parser.add_argument("--providers", type=int, default=SMALL.providers)
    parser.add_argument("--schemes", type=int, default=SMALL.schemes)
    parser.add_argument("--years", type=int, default=SMALL.years, help="on the small log; the large has --factor x")
    parser.add_argument("--factor", type=int, default=FACTOR)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--calls", type=int, default=CALLS)
    args = parser.parse_args(argv)
    host = describe()
    scale = Scale(args.commissioners, args.providers, args.schemes, args.years)
    section = run(scale, args.factor, args.rounds, args.calls)
    print("\n".join(f"- {what}: {value}" for what, value in host))
    print("\n".join(r.line() for report in section.reports for r in report.results()))
    print("\n".join(section.lines()))


if __name__ == "__main__":
    main()
