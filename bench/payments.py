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
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
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
from bench.payments_report import TARGET_MS, Own, PaymentsReport, Timed
from bench.payments_data import SCHEMES, commissioner, generated, programme_id, provider_reader, with_reader
from bench.report import Section
from bench.results import Latencies
from bench.servers import corral, corral_env, free_port, running
from bench.stores import POSTGRES_URL, connect
from projections.applying import catch_up
from projections.database import ViewDatabase
from projections.progress.queries import load_progress, programme_payments
from projections.progress.queries.payments import payments_of
from projections.progress.view import ProgressView
from projections.registry import view_of

SIZES = (50, 100, 200)  # providers; the largest is the national scale the target is held to
CALLS = 200  # per way of reading at the largest size
SMALLER_CALLS = 30  # at the sizes below it, which show the trend
PARTS_SHARE = 5  # the query's parts are timed a fifth as often: they only show where its time goes
ROUNDS = 8
LAST_RUN = Path(__file__).with_name("payments_last_run.md")
SCHEMA = "bench_payments"
PROCESSES = 2
Read = Callable[[], object]


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
    timed = (raw_t, query_t, http_t, load_t, arithmetic_t)
    return PaymentsReport(providers, len(rows), size, generation, *timed, held, own)


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
        "own, by one sequential httpx client: nothing changes meanwhile, so after its first call the server gives",
        "the answer it kept at the progress view's position (`projections/kept.py`), as it does between changes;",
        "the first read after a change works it out again, which `programme_payments` shows the bulk of.",
        "The baseline is a raw psycopg2 `SELECT *` of the programme's rows of",
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
