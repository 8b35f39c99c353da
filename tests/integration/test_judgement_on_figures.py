"""Judgement on figures: the commissioner departs from the share a numeric milestone's figures give, saying why,
and the payments, the board and the audit trail follow and show it; thresholds in percent pay as their fractions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus, StatusDisagreesWithFiguresError
from domain.application import Corral
from domain.milestones import MeasureUnit, Milestone, NumericMeasure, Quarter
from projections.audit import AuditView, audit_trail
from projections.progress.queries import load_progress, programme_payments
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, figures, flu_milestone
from tests.integration.given import agreed_scheme, presented
from tests.integration.read_models import Views, shown, views_of

Q1 = Quarter.Q1
UNVALIDATED = "The uptake figures were not validated by occupational health"


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


def audit_view(views: Views) -> AuditView:
    return next(p.view for p in views.projections if isinstance(p.view, AuditView))


def test_met_against_the_figures_with_a_reason_pays_in_full_and_every_view_says_why(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app, flu_milestone())  # 60% pays nothing, 80% in full; a CQUIN value of 2,500,000 each
    presented(app, agreed.scheme_id, (ACUTE, "FLU", figures(70, 100)), (COMMUNITY, "FLU", figures(70, 100)))
    with pytest.raises(StatusDisagreesWithFiguresError):
        app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "FLU", AssessmentStatus.MET, "Audited")

    app.assess_milestone(
        COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "FLU", AssessmentStatus.NOT_MET, "Audited", None, UNVALIDATED
    )
    app.assess_milestone(
        COMMISSIONER, agreed.scheme_id, Q1, COMMUNITY_ID, "FLU", AssessmentStatus.PARTIALLY_MET, "On the figures"
    )

    views.caught_up(app)
    paid = programme_payments(views.progress, str(agreed.programme_id))
    # ACUTE: Not Met by the commissioner's judgement earns 0, though its figures give 50%; COMMUNITY earns the 50%.
    assert shown(paid.providers[str(ACUTE_ID)].total)["earned"] == Decimal(0)
    assert shown(paid.providers[str(COMMUNITY_ID)].total)["earned"] == Decimal(1_250_000)
    [overridden] = paid.providers[str(ACUTE_ID)].overridden
    assert (overridden.code, overridden.status, overridden.reason) == ("FLU", "Not Met", UNVALIDATED)
    assert (overridden.figures_share, overridden.achievement) == (Decimal("0.5"), Decimal(0))
    assert paid.providers[str(COMMUNITY_ID)].overridden == []
    [row] = load_progress(views.progress, programme_id=str(agreed.programme_id), provider_id=str(ACUTE_ID))
    assert (row.override_reason, row.figures_share) == (UNVALIDATED, Decimal("0.5"))

    [assessed] = audit_trail(audit_view(views), provider_id=ACUTE_ID, limit=1).entries
    assert assessed.event_type == "MilestoneAssessed"
    assert "as Not Met on evidence revision 1, departing from the share of 50% its figures gave" in assessed.description
    assert f"(why: {UNVALIDATED}): Audited" in assessed.description


def test_a_revision_on_appeal_back_to_the_figures_clears_the_departure(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app, flu_milestone(), participants=(ACUTE_ID,))
    presented(app, agreed.scheme_id, (ACUTE, "FLU", figures(85, 100)))
    app.assess_milestone(
        COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "FLU", AssessmentStatus.PARTIALLY_MET, "Audit", None, UNVALIDATED
    )
    views.caught_up(app)
    assert programme_payments(views.progress, str(agreed.programme_id)).providers[str(ACUTE_ID)].overridden

    app.revise_assessment(
        COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "FLU", AssessmentStatus.MET, "Validated", "Figures validated"
    )

    views.caught_up(app)
    paid = programme_payments(views.progress, str(agreed.programme_id)).providers[str(ACUTE_ID)]
    assert (paid.overridden, shown(paid.total)["earned"]) == ([], Decimal(2_500_000))
    assert app.quarter_review(agreed.scheme_id, Q1).assessment(ACUTE_ID, "FLU").override_reason == ""


def test_thresholds_agreed_in_percent_pay_exactly_what_the_same_fractions_pay(app: Corral, views: Views) -> None:
    in_percent = NumericMeasure(
        "staff vaccinated", "frontline staff", Decimal(60), Decimal(80), unit=MeasureUnit.PERCENT
    )
    flu = Milestone("FLU", "Flu vaccination uptake", Q1, date(2014, 7, 31), measure=in_percent)
    agreed = agreed_scheme(app, flu, participants=(ACUTE_ID,))
    presented(app, agreed.scheme_id, (ACUTE, "FLU", figures(67, 100)))

    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "FLU", AssessmentStatus.PARTIALLY_MET, "67%")

    assert app.scheme(agreed.scheme_id).agreed_terms.milestone("FLU").measure == in_percent
    views.caught_up(app)
    paid = programme_payments(views.progress, str(agreed.programme_id)).providers[str(ACUTE_ID)]
    # (67% - 60%) / (80% - 60%) = 0.35 of 2,500,000
    assert shown(paid.total)["earned"] == Decimal(875_000)
