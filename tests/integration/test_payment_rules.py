"""Adopting other payment rules: the open quarters are repriced by them in the views, a closed quarter keeps the values
it closed with, and a restatement after the adoption earns under the new rules.

Each provider's CQUIN value is 2,500,000, split equally over a narrative Q1 milestone and a narrative Q2 one:
1,250,000 each."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.milestones import Quarter
from domain.payment_rules import published
from domain.restatement import Correction
from projections.progress.queries import programme_payments, programme_rules
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, narrative, narrative_milestone
from tests.integration.given import agreed_scheme, presented
from tests.integration.read_models import Views, views_of

Q1, Q2 = Quarter.Q1, Quarter.Q2
MET, PARTLY = AssessmentStatus.MET, AssessmentStatus.PARTIALLY_MET
WHY = "NHS England's guidance for the year pays 60% for Partially Met."


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


def q1_closed_and_q2_assessed(app: Corral) -> tuple[UUID, UUID]:
    """Q1 closed with the acute trust's M1 Partially Met and the community trust's Met; Q2 open, the acute trust's M2
    Partially Met. Returns the programme's and the scheme's ids."""
    agreed = agreed_scheme(app, narrative_milestone("M1", Q1), narrative_milestone("M2", Q2))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", PARTLY, "Half the wards audited.")
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, COMMUNITY_ID, "M1", MET, "Every ward audited.")
    app.close_quarter(COMMISSIONER, agreed.scheme_id, Q1)
    presented(app, agreed.scheme_id, (ACUTE, "M2", narrative()), quarter=Q2)
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q2, ACUTE_ID, "M2", PARTLY, "The plan, not yet the audit.")
    return agreed.programme_id, agreed.scheme_id


def test_adopting_partial_60_reprices_the_open_quarters_partially_met_and_leaves_the_closed_quarters(
    app: Corral, views: Views
) -> None:
    programme_id, _ = q1_closed_and_q2_assessed(app)
    before = programme_payments(views.caught_up(app).progress, str(programme_id)).providers[str(ACUTE_ID)]

    app.adopt_payment_rules(COMMISSIONER, programme_id, "partial-60", WHY)
    paid = programme_payments(views.caught_up(app).progress, str(programme_id)).providers[str(ACUTE_ID)]

    assert programme_rules(views.progress, str(programme_id)).version == "partial-60"
    assert (before.by_quarter[Q1].earned, before.by_quarter[Q2].earned) == (Decimal("625000"), Decimal("625000"))
    assert paid.by_quarter[Q1].earned == Decimal("625000")  # 0.5 x 1,250,000, as Q1 closed
    assert paid.by_quarter[Q2].earned == Decimal("750000")  # 0.6 x 1,250,000, repriced by the new rules


def test_a_restatement_after_adopting_partial_60_earns_under_the_new_rules(app: Corral, views: Views) -> None:
    programme_id, scheme_id = q1_closed_and_q2_assessed(app)
    app.adopt_payment_rules(COMMISSIONER, programme_id, "partial-60", WHY)

    draft = Correction(PARTLY, "Half the wards audited.", "The audit of the other wards was a draft.")
    app.restate_assessment(COMMISSIONER, scheme_id, Q1, COMMUNITY_ID, "M1", draft)
    paid = programme_payments(views.caught_up(app).progress, str(programme_id)).providers[str(COMMUNITY_ID)]

    [restated] = paid.restated
    assert paid.by_quarter[Q1].earned == Decimal("1250000")  # as Q1 closed: Met
    assert (restated.original.earned, restated.restated.earned) == (Decimal("1250000"), Decimal("750000"))
    assert restated.difference.earned == Decimal("-500000")  # 0.6 x 1,250,000 less 1,250,000


def test_continuing_a_programme_carries_the_rules_it_adopted_into_next_year(app: Corral, views: Views) -> None:
    programme_id, _ = q1_closed_and_q2_assessed(app)
    app.adopt_payment_rules(COMMISSIONER, programme_id, "partial-60", WHY)

    following = app.continue_programme(COMMISSIONER, programme_id).id

    assert app.programme(following).rules == app.programme(programme_id).rules == published("partial-60")
    assert programme_rules(views.caught_up(app).progress, str(following)).version == "partial-60"
