"""Payments of a quarter restated after its close: the original figures stay as the quarter closed, the restated
ones sit beside them, and the difference adds up exactly.

Each provider's CQUIN value is 2,500,000, split equally over a flu milestone (paid between 60% and 80% uptake) and
a narrative one: 1,250,000 each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.evidence import Figures
from domain.milestones import Quarter
from domain.restatement import Correction
from projections.progress.queries import programme_payments
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, figures, flu_milestone
from tests.builders import narrative, narrative_milestone
from tests.integration.given import agreed_scheme, presented
from tests.integration.read_models import Views, money, shown, views_of

Q1 = Quarter.Q1
MET, PARTLY, NOT_MET = AssessmentStatus.MET, AssessmentStatus.PARTIALLY_MET, AssessmentStatus.NOT_MET


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


def test_payments_show_the_original_the_restated_and_the_difference(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app, flu_milestone(), narrative_milestone("M1"))
    presented(
        app,
        agreed.scheme_id,
        (ACUTE, "FLU", figures(71, 100)),
        (ACUTE, "M1", narrative()),
        (COMMUNITY, "FLU", figures(50, 100)),
        (COMMUNITY, "M1", narrative()),
    )
    for provider_id, code, status in [(ACUTE_ID, "FLU", PARTLY), (COMMUNITY_ID, "FLU", NOT_MET)]:
        app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, provider_id, code, status, "As the figures give.")
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, provider_id, "M1", MET, "Shown.")
    app.close_quarter(COMMISSIONER, agreed.scheme_id, Q1)
    programme_id = str(agreed.programme_id)
    as_closed = programme_payments(views.caught_up(app).progress, programme_id)

    validated = Correction(PARTLY, "Validated.", "Audit found 6 more.", Figures(Decimal(77), Decimal(100)))
    app.restate_assessment(
        COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "FLU", replace(validated, effective_on=date(2014, 5, 1))
    )
    draft = Correction(NOT_MET, "The evidence was a draft.", "The board never approved it.")
    app.restate_assessment(COMMISSIONER, agreed.scheme_id, Q1, COMMUNITY_ID, "M1", draft)
    paid = programme_payments(views.caught_up(app).progress, programme_id)

    acute, community = paid.providers[str(ACUTE_ID)], paid.providers[str(COMMUNITY_ID)]
    assert (acute.total, community.total, paid.total) == (
        as_closed.providers[str(ACUTE_ID)].total,
        as_closed.providers[str(COMMUNITY_ID)].total,
        as_closed.total,
    )
    # ACUTE: 71% gives 0.55 of 1,250,000 = 687,500; restated 77% gives 0.85 = 1,062,500; the difference 375,000
    [flu] = acute.restated
    assert (flu.code, flu.original_status, flu.restated_status, flu.effective_on) == (
        "FLU",
        "Partially Met",
        "Partially Met",
        date(2014, 5, 1),
    )
    assert (flu.original.earned, flu.restated.earned, flu.difference.earned) == (
        Decimal("687500"),
        Decimal("1062500"),
        Decimal("375000"),
    )
    assert shown(acute.total) == money("2500000", "1937500", "562500", "0", "77.50")
    assert acute.restated_total is not None and shown(acute.restated_total) == money(
        "2500000", "2312500", "187500", "0", "92.50"
    )
    # COMMUNITY: M1 from Met (1,250,000) to Not Met (0)
    [m1] = community.restated
    assert (m1.original_status, m1.restated_status, m1.difference.earned) == ("Met", "Not Met", Decimal(-1250000))
    # Every total adds up exactly: the original plus each milestone's difference
    differences = sum((m.difference.earned for p in paid.providers.values() for m in p.restated), Decimal(0))
    assert paid.restated_total is not None
    assert paid.restated_total.earned == paid.total.earned + differences == Decimal("2312500")
    assert acute.restated_in(Q1) == acute.restated_total
    assert acute.restated_in(Quarter.Q2) is None
