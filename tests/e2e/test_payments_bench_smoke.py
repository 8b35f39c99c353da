"""The payments benchmark runs end to end at a tiny size: the programmes written through the use cases, the view
caught up, every way of reading timed in rounds against the raw SELECT, and a second run reusing the data."""

from __future__ import annotations

import math

import pytest

from bench import payments, rebuild, report
from bench.payments_data import PER_QUARTER, SCHEMES, generated, programme_id
from bench.stores import postgres_store
from domain.milestones import Quarter
from projections.database import ViewDatabase
from projections.progress.queries import programme_payments
from projections.progress.view import ProgressView
from tests.conftest import POSTGRES_URL


@pytest.mark.postgres
def test_given_tiny_programmes_when_benchmarked_then_each_read_is_timed_and_the_largest_held_to_20_ms(
    postgres_available: bool,
) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")

    with postgres_store(POSTGRES_URL) as settings:
        smaller, larger = payments.measure_all(settings, [2, 3], calls=4, smaller_calls=2, rounds=2)
        again = generated(settings, 3, processes=2)
        caught = payments.caught_up(settings)
        database = ViewDatabase(settings.database_url, settings.database_schema)
        try:
            paid = programme_payments(ProgressView(database), str(programme_id(3)))
        finally:
            database.close()

    assert [(r.providers, r.rows) for r in (smaller, larger)] == [(2, 2 * SCHEMES * PER_QUARTER * 4), (3, 360)]
    assert [len(smaller.query.latencies.samples), len(larger.query.latencies.samples)] == [2, 4]
    assert all(len(t.rounds) == 2 for t in (larger.raw, larger.query, larger.http, larger.loading))
    assert smaller.results() == [] and len(larger.results()) == 8  # every provider's and a provider's own, p50 and p99
    assert all(
        r.value > 0 and 0 < r.ratio < math.inf and " vs raw psycopg2 SELECT " in r.line() for r in larger.results()
    )
    assert all("target ≤ 20 ms" in r.line() for r in larger.results())
    assert larger.answer_bytes > 10_000 and larger.generation.events > 360 * 3
    assert again.earlier and again.events == larger.generation.events  # the second run reuses the data
    assert caught.events == 0
    section = report.Section("Payments", payments.measures(3, "kept"), [smaller, larger])
    text = report.render([("Date", "today")], rebuild.RebuildRun((), (), ()), [], [], "python -m bench.run", [section])
    assert all(r.line() in text for r in larger.results()) and smaller.describe()[0] in text
    # The year as generated: Q1 and Q2 closed with provider 0 restated in Q1, Q3 assessed, Q4 partly at risk.
    assert len(paid.providers) == 3 and paid.restated_total is not None
    assert paid.by_quarter[Quarter.Q3].available > 0 and paid.by_quarter[Quarter.Q4].at_risk > 0
