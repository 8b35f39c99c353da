"""The payments bench's report: each way of reading timed round by round, its lines against the raw SELECT in the same
rounds, and the 20 ms target the issue holds the national size to."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from bench.national_data import Phase
from bench.payments_data import SCHEMES
from bench.results import Latencies, Result, Target, number, ratio

TARGET_MS = 20.0


@dataclass(frozen=True)
class Timed:
    """One way of reading, timed in each round."""

    rounds: tuple[Latencies, ...]

    @property
    def latencies(self) -> Latencies:
        """Every round's samples together."""
        return Latencies(tuple(s for r in self.rounds for s in r.samples))


@dataclass(frozen=True)
class PaymentsReport:
    """The payments read over one programme: raw rows, the query, its parts and the HTTP GET, round by round."""

    providers: int
    rows: int
    answer_bytes: int
    generation: Phase
    raw: Timed
    query: Timed
    http: Timed
    loading: Timed  # load_progress alone: the rows read and built
    arithmetic: Timed  # payments_of over rows already loaded
    held: bool  # whether its lines are held to the target (the national size)
    own: Own | None = None  # one provider reading its own money

    def results(self) -> list[Result]:
        """p50 and p99 of the query and of the GET, against the raw SELECT's, at the national size only."""
        if not self.held:
            return []
        name = f"payments postgresql {self.providers} providers"
        reads = [
            (f"{name}, the commissioner's (every provider), programme_payments()", self.query, self.raw, self.rows),
            (
                f"{name}, the commissioner's (every provider), GET /programmes/{{id}}/payments",
                self.http,
                self.raw,
                self.rows,
            ),
        ]
        if self.own is not None:
            own = f"{name}, a provider's own"
            reads += [
                (f"{own}, programme_payments()", self.own.query, self.own.raw, self.own.rows),
                (f"{own}, GET /programmes/{{id}}/payments", self.own.http, self.own.raw, self.own.rows),
            ]
        return [
            _result(f"{what} {which}", timed, raw, rows, of, which)
            for what, timed, raw, rows in reads
            for which, of in (("p50", _p50), ("p99", _p99))
        ]

    def describe(self) -> list[str]:
        """A Markdown bullet: the size, each way's p50 and p99, and where the query's time goes."""
        query, http = self.query.latencies, self.http.latencies
        return [
            f"- **{self.providers} providers × {SCHEMES} schemes** ({self.rows:,} provider-milestones; "
            f"{self.generation.events:,} events generated in {self.generation.seconds:,.0f} s"
            f"{', by an earlier run' if self.generation.earlier else ''}; {len(query.samples)} calls each in "
            f"{len(self.query.rounds)} rounds): raw SELECT {self.raw.latencies.describe()}; "
            f"`programme_payments` {query.describe()} ({_times(self.query, self.raw)}); of its p50, "
            f"`load_progress` {number(_p50(self.loading.latencies))} ms and `payments_of` "
            f"{number(_p50(self.arithmetic.latencies))} ms; GET {http.describe()} ({_times(self.http, self.raw)}), "
            f"{self.answer_bytes:,} bytes of JSON."
            + (
                ""
                if self.own is None
                else f" A provider's own ({self.own.rows} rows): raw SELECT {self.own.raw.latencies.describe()}; "
                f"`programme_payments` {self.own.query.latencies.describe()} ({_times(self.own.query, self.own.raw)}); "
                f"GET {self.own.http.latencies.describe()} ({_times(self.own.http, self.own.raw)})."
            )
        ]


@dataclass(frozen=True)
class Own:
    """One provider's own money read, beside a raw SELECT of its own rows, in the same interleaved rounds."""

    rows: int
    raw: Timed
    query: Timed
    http: Timed


def _result(name: str, timed: Timed, raw_t: Timed, rows: int, of: Callable[[Latencies], float], which: str) -> Result:
    ratios = sorted(of(ours) / of(raw) for ours, raw in zip(timed.rounds, raw_t.rounds, strict=True))
    rounds = f"median of {len(ratios)} rounds, {ratio(ratios[0])}–{ratio(ratios[-1])}"
    raw = of(raw_t.latencies)
    baseline = f"raw psycopg2 SELECT of its {rows:,} milestone rows {which} {number(raw)} ms; {rounds}"
    return Result(name, of(timed.latencies), "ms", statistics.median(ratios), baseline, Target(TARGET_MS, True, "ms"))


def _p50(latencies: Latencies) -> float:
    return latencies.p50_ms


def _p99(latencies: Latencies) -> float:
    return latencies.p99_ms


def _times(timed: Timed, raw: Timed) -> str:
    """`12.3× / 8.1× raw`: the medians of the rounds' p50 and p99 ratios."""
    pairs = list(zip(timed.rounds, raw.rounds, strict=True))
    p50, p99 = (statistics.median(of(a) / of(b) for a, b in pairs) for of in (_p50, _p99))
    return f"{p50:.1f}× / {p99:.1f}× raw at p50 / p99"
