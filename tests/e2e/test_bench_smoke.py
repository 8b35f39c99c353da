"""The benchmarks run end to end at a tiny size on both databases: well-formed results, no speed asserted."""

from __future__ import annotations

import math

import pytest

from api.storage.settings import Settings
from bench import breakdown, deadline, growth, http, insert_styles, lag, live, memory, rebuild, report, saves
from bench.national_data import Scale
from bench.report import Section
from bench.stores import postgres_store
from bench.results import Result
from projections.progress.view import ProgressView

PROGRESS = ProgressView.name


VIEWS = [PROGRESS, "audit_v3", "notifications_v1", "accounts_v2", "webhooks_v1"]  # every view, in the registry's order


def well_formed(results: list[Result]) -> bool:
    """Every line has a value, a finite ratio, a raw baseline and a target. A value may be 0: on a loaded machine a
    view can commit before the command has returned to its caller, which then sees no lag at all."""
    return all(
        r.value >= 0
        and 0 <= r.ratio < math.inf
        and r.line().startswith(f"{r.name}: ")
        and " vs raw " in r.line()
        and ", target " in r.line()
        for r in results
    )


def test_every_benchmark_runs_at_a_tiny_size_and_reports_ratios_against_raw_baselines(settings: Settings) -> None:
    rebuilt = rebuild.measure(settings, events=200, raw_runs=1)
    split = tuple(breakdown.measure(settings, events=200))
    styles = tuple(insert_styles.measure(settings, count=200))
    lagged = lag.measure(settings, samples=20, log_events=200, warmup=2)
    lives = live.measure(settings, subscribers=[2, 5], samples=[6, 6], clients=2, warmup=2, rounds=2)
    fewer, followed, _, plain = lives  # the fast send path's reports, then the plain ASGI send's
    run = rebuild.RebuildRun((rebuilt,), split, styles)
    text = report.render([("Date", "today")], run, [lagged], lives, "python -m bench.run")
    (added,) = live.added_delivery_cpu([fewer, followed])

    assert rebuilt.events >= 200 and rebuilt.raw_rate > 0
    assert [v.view for v in rebuilt.views] == VIEWS
    assert all(v.rate > 0 for v in rebuilt.views)
    assert len(rebuilt.results()) == len(rebuilt.views) + 1 and well_formed(rebuilt.results())
    assert [(b.view, b.events) for b in split] == [(view, 200) for view in VIEWS]
    assert all(b.statements_per_event > 0 and b.busiest for b in split)
    assert len(styles) == 3 and all(s.rate > 0 and s.raw_rate > 0 for s in styles)
    assert len(lagged.waited.samples) == len(lagged.committed.samples) == len(lagged.raw.samples) == 20
    assert [view for view, _ in lagged.per_view] == VIEWS
    assert lagged.waited.p50_ms <= lagged.waited.p99_ms and lagged.projector_statements
    assert len(lagged.results()) == 4 and well_formed(lagged.results())
    assert len(followed.ours.sent) == len(followed.baseline.sent) == 6
    assert len(followed.ours.latencies) == len(followed.baseline.latencies) == 5 * 6
    assert followed.ours.behind == followed.baseline.behind == 0
    assert len(followed.results()) == 3 and well_formed(followed.results())
    assert [(r.send, r.subscribers) for r in lives] == [("fast", 2), ("fast", 5), ("asgi", 2), ("asgi", 5)]
    assert len(plain.ours.sent) == 6 and len(plain.ours.latencies) == 5 * 6 and plain.ours.behind == 0
    assert len(followed.rounds) == len(plain.rounds) == 2
    assert all("(asgi send)" in r.name and "median of 2 rounds" in r.line() for r in plain.results())
    assert well_formed(plain.results()) and all(r.line() in text for r in live.results(lives))
    assert followed.describe() in text and fewer.describe() in text
    assert "per added delivery, 2 → 5 subscribers" in added.name and math.isfinite(added.ratio)  # its sign is noise
    assert added.line() in text
    assert "- Date: today" in text and all(s.describe() in text for s in styles)
    assert all(r.line() in text for r in (*rebuilt.results(), *lagged.results(), *followed.results()))


@pytest.mark.postgres
def test_the_save_and_load_benchmarks_run_at_a_tiny_size(postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    section = saves.run(commands=8, load_samples=5, aggregate_events=60)
    results = [r for measured in section.reports for r in measured.results()]
    run = rebuild.RebuildRun((), (), ())
    text = report.render([("Date", "today")], run, [], [], "python -m bench.run", [section])

    assert [r.name for r in results] == [
        "save postgresql, 1 writer",
        "save postgresql, 1 writer, against raw writers under the event store's table lock",
        "save postgresql, 4 concurrent writers",
        "save postgresql, 4 concurrent writers, against raw writers under the event store's table lock",
        "save postgresql with the hash chain, 1 writer",
        "load postgresql 60-event aggregate p50",
        "load postgresql 60-event aggregate p99",
    ]
    (chain,) = [r for r in results if "hash chain" in r.name]  # its baseline is the same application, unchained
    results.remove(chain)
    assert well_formed(results) and all(r.line() in text for r in (*results, chain))
    assert (
        chain.value > 0 and 0 < chain.ratio < math.inf and " vs the same application without the chain" in chain.line()
    )
    assert section.heading in text


@pytest.mark.postgres
def test_http_runs_at_a_tiny_size_against_processes_on_postgresql(postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with postgres_store() as store:
        served = http.measure(store, rounds=2, reads=4, writes=4, clients=(1, 2), workers=(1, 2), processes=1)
    nothing = rebuild.RebuildRun((), (), ())
    text = report.render(
        [("Date", "today")], nothing, [], [], "python -m bench.run", [Section("HTTP", ["x"], [served])]
    )

    cells = [(c.what, c.workers, c.clients) for c in served.cells]
    assert cells == [(what, w, c) for what in ("dashboard read", "submission") for w in (1, 2) for c in (1, 2)]
    assert all(len(c.rounds) == 2 and len(c.ours.answers) == len(c.bare.answers) == 2 * 4 for c in served.cells)
    assert all(c.ours.errors == c.bare.errors == 0 for c in served.cells) and served.dashboard_bytes > 1000
    results = served.results()
    assert len(results) == len(cells) * 2 + 2 and well_formed(results)
    assert all("median of 2 rounds" in r.line() for r in results)
    assert [r.name for r in results if "throughput" in r.name][
        0
    ] == "http postgresql dashboard read throughput, 1 worker, 1 client"
    assert [r.name for r in results[-2:]] == [
        "http postgresql bare FastAPI GET /rows p50 at 2 workers, 1 client",
        "http postgresql bare FastAPI POST /submissions p50 at 2 workers, 1 client",
    ]
    assert all(r.line() in text for r in results) and all(line in text for line in served.describe())


@pytest.mark.postgres
def test_deadline_day_runs_at_a_tiny_size_against_a_process_on_postgresql(postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with postgres_store() as store:
        day = deadline.measure(store, seconds=1, organisations=2, workers=1)

    assert day.checks.passed and day.checks.acknowledged > 0 and sum(day.tally.errors.values()) == 0
    assert day.tally.push_latencies() and "| submit |" in "\n".join(day.lines())


@pytest.mark.postgres
def test_the_growth_benchmark_runs_at_a_tiny_size_and_reports_each_reads_ratio(postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    section = growth.run(Scale(commissioners=1, providers=2, schemes=1, years=1), factor=2, rounds=2, calls=2)
    (grew,) = section.reports
    results = grew.results()
    text = report.render([("Date", "today")], rebuild.RebuildRun((), (), ()), [], [], "python -m bench.run", [section])

    assert isinstance(grew, growth.GrowthReport) and 0 < grew.small_events < grew.large_events
    assert [r.name.split(", ")[1] for r in results] == [
        "provider dashboard",
        "progress matrix",
        "audit trail",
        "a programme's payments",
    ]
    assert all(r.value > 0 and 0 < r.ratio < math.inf and "median of 2 rounds, range " in r.line() for r in results)
    assert all(r.line() in text for r in results) and all(line in text for line in grew.describe())


@pytest.mark.postgres
def test_the_memory_benchmark_runs_at_a_tiny_size_against_its_bare_baselines(postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    section = memory.run(sockets=40, rounds=2, events=300, settle=0.1)
    (measured,) = section.reports
    results = measured.results()
    text = report.render([("Date", "today")], rebuild.RebuildRun((), (), ()), [], [], "python -m bench.run", [section])

    assert isinstance(measured, memory.MemoryReport)
    assert all(len(rounds) == 2 and all(h.count == 40 for h in rounds) for rounds in measured.rounds.values())
    assert [r.name for r in results] == [
        "memory, corral serve idle (vs bare FastAPI app)",
        "memory per websocket, corral serve holding 40 (vs bare FastAPI app)",
        "memory per websocket, corral serve holding 40 (vs bare websockets server)",
        "memory per websocket, corral serve holding 40 (vs bare websockets server, uncompressed)",
        "40 websocket connects, corral serve (vs bare FastAPI app)",
        "40 websocket connects, corral serve (vs bare websockets server)",
        "40 websocket connects, corral serve (vs bare websockets server, uncompressed)",
        f"memory, projector rebuilding every view from {measured.rebuilt.events:,} events",
    ]
    assert measured.rebuilt.events >= 300 and len(measured.rebuilt.samples_kib) >= len(VIEWS)
    assert all(math.isfinite(r.ratio) and ", target " in r.line() and r.line() in text for r in results)
    assert all(line in text for line in measured.describe()) and section.heading in text
