"""The payments read at national scale: the commissioner's `programme_payments` and `GET .../payments`, p50 and p99
against the 20 ms target, each against a raw psycopg2 SELECT of the same milestone rows in interleaved rounds.

The data (bench/payments_data.py) is one programme per size in a PostgreSQL schema kept between runs: generated
only when missing, its progress view brought up to the log by the projector's catch-up. The read over HTTP goes to
`corral serve` (one worker, no projector: the view is caught up before it starts) in a process of its own.

    python -m bench.payments [--providers 50 100 200 --calls 200 --rounds 8 --schema bench_payments]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from tempfile import TemporaryDirectory
from time import perf_counter
from typing import Any

import httpx

from api.http.security import issue_token
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.machine import describe
from bench.national_data import Phase, kept_store
from bench.payments_data import SCHEMES, commissioner, generated, programme_id, provider_reader, with_reader
from bench.report import Section
from bench.results import Latencies, Result, Target, number, ratio
from bench.servers import corral, corral_env, free_port, running
from bench.stores import POSTGRES_URL, connect
from projections.applying import catch_up
from projections.database import ViewDatabase
from projections.progress.queries import load_progress, programme_payments
from projections.progress.queries.payments import payments_of
from projections.progress.view import ProgressView
from projections.registry import view_of

TARGET_MS = 20.0
SIZES = (50, 100, 200)  # providers; the largest is the national scale the target is held to
CALLS = 200  # per way of reading at the largest size
SMALLER_CALLS = 30  # at the sizes below it, which show the trend
PARTS_SHARE = 5  # the query's parts are timed a fifth as often: they only show where its time goes
ROUNDS = 8
LAST_RUN = Path(__file__).with_name("payments_last_run.md")
SCHEMA = "bench_payments"
PROCESSES = 2
Read = Callable[[], object]


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


def caught_up(settings: Settings) -> Phase:
    """The progress view brought up to the head of the log by the projector's catch-up; what it applied now."""
    app = build_application(settings)
    database, projections = build_views(settings)
    try:
        progress = [p for p in projections if isinstance(p.view, ProgressView)]
        before, started = view_of(progress, ProgressView).position, perf_counter()
        catch_up(app, progress)
        return Phase(view_of(progress, ProgressView).position - before, perf_counter() - started)
    finally:
        database.close()
        app.close()


def interleaved(reads: Sequence[Read], calls: int, rounds: int, warmup: int = 3) -> list[Timed]:
    """Each read timed `calls` times in all, over `rounds` rounds, its turn within a round moving round by round."""
    for read in reads:
        for _ in range(warmup):
            read()
    per_round = max(calls // rounds, 1)
    samples: list[list[Latencies]] = [[] for _ in reads]
    for round_ in range(rounds):
        for turn in range(len(reads)):
            which = (round_ + turn) % len(reads)
            samples[which].append(_time(reads[which], per_round))
    return [Timed(tuple(s)) for s in samples]


def _time(read: Read, calls: int) -> Latencies:
    taken = []
    for _ in range(calls):
        started = perf_counter()
        read()
        taken.append(perf_counter() - started)
    return Latencies(tuple(taken))


@contextmanager
def payments_server(settings: Settings, folder: Path) -> Iterator[tuple[str, str, str]]:
    """`corral serve` over the store (no projector), and a commissioner's and a provider's bearer tokens for it."""
    secret = secrets.token_urlsafe(48)
    env = corral_env(settings, secret_key=secret, attachments_dir=folder / "attachments")
    with running(corral(env, "serve", "--workers", "1", port=free_port(), log=folder / "server.log")) as server:
        yield server.http, issue_token(commissioner(), secret, 120), issue_token(provider_reader(), secret, 120)


def measure(
    settings: Settings, providers: int, generation: Phase, calls: int, rounds: int, held: bool
) -> PaymentsReport:
    """Time every way of reading one programme's payments, interleaved round by round."""
    programme = str(programme_id(providers))
    database = ViewDatabase(settings.database_url, settings.database_schema)
    view = ProgressView(database)
    raw_conn = connect(settings)
    with ExitStack() as stack, TemporaryDirectory(prefix="corral-payments-bench-") as folder:
        stack.callback(database.close)
        stack.callback(raw_conn.close)
        base, token, own_token = stack.enter_context(payments_server(settings, Path(folder)))
        client = stack.enter_context(httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}))
        own_client = stack.enter_context(httpx.Client(base_url=base, headers={"Authorization": f"Bearer {own_token}"}))
        table = view.progress.name
        rows = load_progress(view, programme_id=programme)

        def raw() -> list[Any]:
            with raw_conn.cursor() as cursor:
                cursor.execute(f"SELECT * FROM {table} WHERE programme_id = %s", (programme,))  # noqa: S608
                return list(cursor.fetchall())

        def get() -> bytes:
            answer = client.get(f"/api/v1/programmes/{programme}/payments", timeout=60)
            answer.raise_for_status()
            return answer.content

        if len(raw()) != len(rows):
            raise RuntimeError(f"the raw SELECT found {len(raw())} rows, the view's reading {len(rows)}")
        size = len(get())
        raw_t, query_t, http_t = interleaved([raw, lambda: programme_payments(view, programme), get], calls, rounds)
        parts = [lambda: load_progress(view, programme_id=programme), lambda: payments_of(view, programme, rows)]
        load_t, arithmetic_t = interleaved(parts, max(calls // PARTS_SHARE, rounds), rounds)
        own = _own(view, raw_conn, own_client, programme, calls, rounds)
    report = PaymentsReport(providers, len(rows), size, generation, raw_t, query_t, http_t, load_t, arithmetic_t, held)
    return replace(report, own=own)


def _own(view: ProgressView, raw_conn: Any, client: httpx.Client, programme: str, calls: int, rounds: int) -> Own:
    """The provider's reader's own money, timed against a raw SELECT of its own rows."""
    provider = str(provider_reader().organisation_id)

    def raw() -> list[Any]:
        with raw_conn.cursor() as cursor:
            cursor.execute(
                f"SELECT * FROM {view.progress.name} WHERE programme_id = %s AND provider_id = %s",  # noqa: S608
                (programme, provider),
            )
            return list(cursor.fetchall())

    def get() -> bytes:
        answer = client.get(f"/api/v1/programmes/{programme}/payments", timeout=60)
        answer.raise_for_status()
        return answer.content

    timed = interleaved([raw, lambda: programme_payments(view, programme, provider), get], calls, rounds)
    return Own(len(raw()), *timed)


def measure_all(
    settings: Settings, sizes: Sequence[int], calls: int, smaller_calls: int, rounds: int
) -> list[PaymentsReport]:
    """Generate what the store lacks, catch the progress view up, then time each size (the largest held)."""
    phases = {n: generated(settings, n, PROCESSES) for n in sizes}
    with_reader(settings)
    caught = caught_up(settings)
    print(f"payments: progress view caught up {caught.events:,} events in {caught.seconds:.0f} s", flush=True)
    largest = max(sizes)
    return [
        measure(settings, n, phases[n], calls if n == largest else smaller_calls, rounds, n == largest)
        for n in sorted(sizes)
    ]


def run(
    sizes: Sequence[int] = SIZES,
    calls: int = CALLS,
    smaller_calls: int = SMALLER_CALLS,
    rounds: int = ROUNDS,
    schema: str = SCHEMA,
    url: str = POSTGRES_URL,
) -> Section:
    """The whole benchmark over the kept schema, as `make bench` runs it."""
    with kept_store(url, schema) as settings:
        reports = measure_all(settings, sizes, calls, smaller_calls, rounds)
    return Section("Payments read at national scale (`bench/payments.py`)", measures(max(sizes), schema), reports)


def measures(largest: int, schema: str) -> list[str]:
    """What the section measures."""
    return [
        f"On PostgreSQL, one programme per size in the kept schema `{schema}` (`bench/payments_data.py`; drop it to",
        f"regenerate), written through the use cases: every provider in each of {SCHEMES} schemes of 12 milestones,",
        "3 a quarter, weighted 1 to 3, scheme weights 1 to 3 by provider; Q1 and Q2 assessed and closed, one",
        "provider in 20 restated in Q1 of every scheme after the close, Q3 assessed and open, Q4 half submitted.",
        "The progress view is brought to the head by the projector's catch-up. Read as the commissioner (every",
        "provider), and as one provider's staff (its own money only, the read every provider makes):",
        "`programme_payments(view, programme_id[, provider_id])` in this process, and `GET",
        "/api/v1/programmes/{id}/payments` with a bearer token from `corral serve --workers 1` in a process of its",
        "own, by one sequential httpx client. The baseline is a raw psycopg2 `SELECT *` of the programme's rows of",
        "the milestone-progress table (the provider's own rows for its reads), fetchall, on a connection kept open.",
        "Every read runs in the same interleaved",
        "rounds (its turn moving from round to round, after 3 unmeasured calls each); a line's value is over all",
        "rounds, its ratio the median of the rounds' ratios, with their range. Then, in rounds of their own and a",
        f"{PARTS_SHARE}th as many calls, `load_progress` (the rows read and built) and `payments_of` (the arithmetic",
        "over rows already loaded), to show where the query's time goes. The target, from the issue: p99 at most",
        f"{TARGET_MS:g} ms at the national size ({largest} providers); the smaller sizes show how the read scales.",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Run, print the result lines and the bullets, and write them with the machine to bench/payments_last_run.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.payments", description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--smaller-calls", type=int, default=SMALLER_CALLS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--schema", default=SCHEMA)
    parser.add_argument("--output", type=Path, default=LAST_RUN)
    args = parser.parse_args(argv)
    host = describe()
    section = run(args.providers, args.calls, args.smaller_calls, args.rounds, args.schema)
    results = [r for report in section.reports for r in report.results()]
    command = " ".join(["python -m bench.payments", *(argv if argv is not None else sys.argv[1:])])
    text = [
        "# Payments read at national scale: the last run",
        "",
        f"Written by `{command}` (`make bench` runs the same and writes it into BENCHMARKS.md).",
        "",
        *(f"- {what}: {value}" for what, value in host),
        "",
        "```text",
        *(r.line() for r in results),
        "```",
        "",
        *(f"Target {'met' if r.met else 'missed'}: {r.name}." for r in results),
        "",
        *section.lines(),
    ]
    print("\n".join(text))
    args.output.write_text("\n".join(text))


if __name__ == "__main__":
    main()
