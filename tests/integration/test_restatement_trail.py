"""The audit trail shows both the assessment a quarter closed with and its restatement after the close."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.evidence import Figures
from domain.milestones import Quarter
from domain.restatement import Correction
from projections.audit import AuditProjection, AuditView, audit_trail
from projections.database import ViewDatabase
from projections.runner import catch_up
from tests.builders import ACUTE_ID, COMMISSIONER
from tests.integration.given import flu_closed

Q1, PARTLY = Quarter.Q1, AssessmentStatus.PARTIALLY_MET


@pytest.fixture
def view(settings: Settings) -> Iterator[AuditView]:
    database = ViewDatabase(settings.database_url, settings.database_schema)
    audit = AuditView(database)
    audit.create()
    yield audit
    database.close()


def test_the_trail_shows_the_original_assessment_and_the_restatement_with_its_reason_and_both_times(
    app: Corral, view: AuditView
) -> None:
    scheme_id = flu_closed(app, 71)
    corrected = Correction(
        PARTLY,
        "Validated.",
        "The audit found 6 more.",
        Figures(Decimal(77), Decimal(100)),
        effective_on=date(2014, 5, 1),
    )
    app.restate_assessment(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "FLU", corrected)
    catch_up(app, AuditProjection(view))

    restated, closed, assessed = audit_trail(view, scheme_id=scheme_id, limit=3).entries

    assert (restated.event_type, closed.event_type, assessed.event_type) == (
        "AssessmentRestated",
        "QuarterClosed",
        "MilestoneAssessed",
    )
    assert "as Partially Met on evidence revision 1: 71% uptake." in assessed.description
    recorded = f"{restated.occurred_at:%-d %B %Y at %H:%M} UTC"
    assert restated.description.endswith(
        f"after its quarter closed, effective 1 May 2014, recorded {recorded}: from Partially Met (earning 55%) to"
        " Partially Met (earning 85%) on corrected figures 77 of 100, because: The audit found 6 more."
        " (rationale: Validated.)"
    )
    assert (restated.reason, restated.provider_id) == ("The audit found 6 more.", ACUTE_ID)
