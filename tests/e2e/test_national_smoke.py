"""The national-scale generator runs end to end at a tiny scale: two writing processes, a rebuild, timed reads."""

from __future__ import annotations

from collections import Counter

import pytest

from bench import national
from bench.stores import postgres_store
from projections.database import ViewDatabase
from projections.progress.queries import progress_matrix
from projections.progress.view import ProgressView
from tests.conftest import POSTGRES_URL

ASSESSED = ("Met", "Partially Met", "Not Met")


@pytest.mark.postgres
def test_a_tiny_national_run_plays_every_submission_to_its_assessment_and_times_each_read(
    postgres_available: bool,
) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    scale = national.Scale(commissioners=2, providers=3, schemes=2, years=1)

    with postgres_store(POSTGRES_URL) as settings:
        measured = national.run(settings, scale, processes=2, calls=5)
        database = ViewDatabase(settings.database_url, settings.database_schema)
        try:
            view = ProgressView(database)
            matrices = [progress_matrix(view, str(national.programme_id(c, national.FIRST_YEAR))) for c in (0, 1)]
        finally:
            database.close()

    statuses = Counter(status for m in matrices for cell in m.cells.values() for status in cell)
    assert scale.submissions == 48 and sum(statuses[s] for s in ASSESSED) == 48 == sum(statuses.values())
    assert all(len(m.schemes) == 2 and len(m.providers) == 3 for m in matrices)
    assert measured.generation is not None and measured.generation.events == measured.rebuild.events > 48 * 4
    assert [len(q.latencies.samples) for q in measured.queries] == [5, 5, 5, 5, 5]
    report = measured.render([("Date", "today")], "python -m bench.national --commissioners 2")
    assert f"**Scale:** {scale.describe()}: 48 submissions" in report and "- Date: today" in report
    assert all(f"| {q.name} | " in report for q in measured.queries)
