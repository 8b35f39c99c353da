"""Payments read from the views, scenario by scenario, against DOMAIN.md's rules worked by hand.

Unless a test says otherwise each provider's contract is 100,000,000 at 2.5%: a CQUIN value of 2,500,000.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.milestones import Direction, Milestone, NumericMeasure, Quarter
from domain.programme import ProviderTerms
from domain.scheme import Participant, SchemeTerms
from projections.progress.queries import ProgrammePayments, load_progress, programme_payments
from tests.builders import (
    ACUTE,
    ACUTE_ID,
    COMMISSIONER,
    COMMUNITY,
    COMMUNITY_ID,
    figures,
    flu_milestone,
    narrative,
    narrative_milestone,
    terms,
)
from tests.integration.given import (
    CONTRACT_YEAR,
    HEALTH_ECONOMY,
    SCHEME_CODE,
    agreed_scheme,
    organisations_registered,
    presented,
    programme_set_up,
    provider_terms,
)
from tests.integration.read_models import Views, money, scheme_agreed, shown, views_of

MET, PARTIALLY_MET, NOT_MET, NA = (
    AssessmentStatus.MET,
    AssessmentStatus.PARTIALLY_MET,
    AssessmentStatus.NOT_MET,
    AssessmentStatus.NOT_APPLICABLE,
)


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


def payments(app: Corral, views: Views, programme_id: UUID) -> ProgrammePayments:
    return programme_payments(views.caught_up(app).progress, str(programme_id))


def of(payments: ProgrammePayments, provider_id: UUID) -> dict[str, Decimal | None]:
    return shown(payments.providers[str(provider_id)].total)


def assess(app: Corral, scheme_id: UUID, provider_id: UUID, code: str, status: AssessmentStatus) -> None:
    app.assess_milestone(COMMISSIONER, scheme_id, Quarter.Q1, provider_id, code, status, f"{status.value} on the pack")


def test_a_numeric_milestone_is_paid_on_the_sliding_scale_between_its_thresholds(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app, flu_milestone())  # 60% pays nothing, 80% pays in full
    presented(app, agreed.scheme_id, (ACUTE, "FLU", figures(65, 100)), (COMMUNITY, "FLU", figures(55, 100)))

    assess(app, agreed.scheme_id, ACUTE_ID, "FLU", PARTIALLY_MET)
    assess(app, agreed.scheme_id, COMMUNITY_ID, "FLU", NOT_MET)

    paid = payments(app, views, agreed.programme_id)
    # ACUTE: (0.65 - 0.60) / (0.80 - 0.60) = 0.25, not the partial fraction 0.5: 2,500,000 x 0.25 = 625,000
    assert of(paid, ACUTE_ID) == money("2500000", "625000", "1875000", "0", "25.00")
    # COMMUNITY: 55% is below the minimum: clamped to 0
    assert of(paid, COMMUNITY_ID) == money("2500000", "0", "2500000", "0", "0.00")
    rows = load_progress(views.progress, date(2014, 8, 1), scheme_id=str(agreed.scheme_id))
    assert [(r.status, r.achievement, r.numeric) for r in rows] == [
        ("Partially Met", Decimal("0.25"), True),
        ("Not Met", Decimal(0), True),
    ]


def test_a_lower_is_better_milestone_is_paid_on_the_reversed_scale(app: Corral, views: Views) -> None:
    measure = NumericMeasure(
        "repeat attendances", "attendances", Decimal("0.10"), Decimal("0.30"), Direction.LOWER_IS_BETTER
    )
    milestone = Milestone("REPEAT", "Repeat A&E attendances", Quarter.Q1, date(2014, 7, 31), measure=measure)
    agreed = agreed_scheme(app, milestone)
    presented(app, agreed.scheme_id, (ACUTE, "REPEAT", figures(15, 100)))

    assess(app, agreed.scheme_id, ACUTE_ID, "REPEAT", PARTIALLY_MET)

    # 15% where 30% pays nothing and 10% pays in full: (0.30 - 0.15) / (0.30 - 0.10) = 0.75 -> 1,875,000
    assert of(payments(app, views, agreed.programme_id), ACUTE_ID) == money(
        "2500000", "1875000", "625000", "0", "75.00"
    )


def test_partially_met_pays_the_programmes_own_partial_fraction(app: Corral, views: Views) -> None:
    organisations_registered(app)
    programme_id = app.set_up_programme(COMMISSIONER, HEALTH_ECONOMY, CONTRACT_YEAR, partial_fraction=Decimal("0.4")).id
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        app.join_programme(COMMISSIONER, programme_id, provider_terms(provider_id))
    scheme_id = scheme_agreed(app, programme_id, SCHEME_CODE, terms(programme=(ACUTE_ID, COMMUNITY_ID)), ACUTE_ID)
    presented(app, scheme_id, (ACUTE, "M1", narrative()))

    assess(app, scheme_id, ACUTE_ID, "M1", PARTIALLY_MET)

    # 2,500,000 x 0.4 = 1,000,000
    assert of(payments(app, views, programme_id), ACUTE_ID) == money("2500000", "1000000", "1500000", "0", "40.00")


def test_an_na_assessment_leaves_both_the_available_and_the_earned_totals(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app, narrative_milestone("M1"), narrative_milestone("M2"))  # 1,250,000 each
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))

    assess(app, agreed.scheme_id, ACUTE_ID, "M1", MET)
    assess(app, agreed.scheme_id, ACUTE_ID, "M2", NA)
    assess(app, agreed.scheme_id, COMMUNITY_ID, "M1", NA)
    assess(app, agreed.scheme_id, COMMUNITY_ID, "M2", NA)

    paid = payments(app, views, agreed.programme_id)
    # ACUTE: only M1 is at stake: 1,250,000 available and earned; M2 is neither, nor at risk
    assert of(paid, ACUTE_ID) == money("1250000", "1250000", "0", "0", "100.00")
    # COMMUNITY: nothing at stake at all, so no % achieved
    assert of(paid, COMMUNITY_ID) == money("0", "0", "0", "0", None)
    assert shown(paid.total) == money("1250000", "1250000", "0", "0", "100.00")
    rows = load_progress(views.progress, date(2014, 8, 1), scheme_id=str(agreed.scheme_id))
    assert [r.status for r in rows] == ["Met", "N/A", "N/A", "N/A"]


def test_a_revised_assessment_on_appeal_replaces_the_earlier_figures(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))
    assess(app, agreed.scheme_id, ACUTE_ID, "M1", MET)
    assess(app, agreed.scheme_id, COMMUNITY_ID, "M1", NOT_MET)
    assert of(payments(app, views, agreed.programme_id), COMMUNITY_ID) == money("2500000", "0", "2500000", "0", "0.00")

    app.revise_assessment(
        COMMISSIONER, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1", PARTIALLY_MET, "Audit found", "Appeal upheld"
    )

    paid = payments(app, views, agreed.programme_id)
    # 2,500,000 x 0.5, replacing the Not Met: not added to it
    assert of(paid, COMMUNITY_ID) == money("2500000", "1250000", "1250000", "0", "50.00")
    assert shown(paid.total) == money("5000000", "3750000", "1250000", "0", "75.00")
    [row] = load_progress(views.progress, date(2014, 8, 1), provider_id=str(COMMUNITY_ID))
    assert (row.status, row.revised_on_appeal) == ("Partially Met", True)


def test_an_appeal_on_revised_figures_pays_on_the_figures_of_the_new_pack(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app, flu_milestone())
    submissions = presented(
        app, agreed.scheme_id, (ACUTE, "FLU", figures(65, 100)), (COMMUNITY, "FLU", figures(80, 100))
    )
    assess(app, agreed.scheme_id, ACUTE_ID, "FLU", PARTIALLY_MET)

    app.query_pack(COMMISSIONER, agreed.scheme_id, Quarter.Q1, "Do the figures include bank staff?")
    acute_submission = submissions[(ACUTE_ID, "FLU")]
    app.return_evidence(ACUTE, acute_submission, "Please include bank staff.")
    app.revise_evidence(ACUTE, acute_submission, figures(78, 100), "Bank staff included")
    app.accept_evidence(ACUTE, acute_submission)
    app.present_pack(ACUTE, agreed.scheme_id, Quarter.Q1)
    app.revise_assessment(
        COMMISSIONER, agreed.scheme_id, Quarter.Q1, ACUTE_ID, "FLU", PARTIALLY_MET, "78% uptake", "New figures"
    )

    # (0.78 - 0.60) / (0.80 - 0.60) = 0.9, replacing the first pack's 0.25: 2,500,000 x 0.9 = 2,250,000
    assert of(payments(app, views, agreed.programme_id), ACUTE_ID) == money(
        "2500000", "2250000", "250000", "0", "90.00"
    )
    [row] = load_progress(views.progress, date(2014, 8, 1), provider_id=str(ACUTE_ID))
    assert (row.achievement, row.revision, row.assessed_revision, row.revised_on_appeal) == (Decimal("0.9"), 2, 2, True)


def test_unequal_scheme_and_milestone_weights_split_the_value_in_proportion(app: Corral, views: Views) -> None:
    programme_id = programme_set_up(app, ACUTE_ID, COMMUNITY_ID)
    heavy = SchemeTerms(
        "Reduce self-harm and suicide",
        (Participant(ACUTE_ID, Decimal(3)), Participant(COMMUNITY_ID)),
        (
            Milestone("M1", "Safety plans", Quarter.Q1, date(2014, 7, 31), weight=Decimal(2)),
            narrative_milestone("M2"),
        ),
    )
    light = SchemeTerms(
        "Improve nutrition", (Participant(ACUTE_ID), Participant(COMMUNITY_ID)), (narrative_milestone("N1"),)
    )
    heavy_id = scheme_agreed(app, programme_id, "SELFHARM", heavy, ACUTE_ID)
    light_id = scheme_agreed(app, programme_id, "NUTRITION", light, COMMUNITY_ID)
    presented(app, heavy_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))

    assess(app, heavy_id, ACUTE_ID, "M1", MET)
    assess(app, heavy_id, ACUTE_ID, "M2", NOT_MET)
    assess(app, heavy_id, COMMUNITY_ID, "M1", PARTIALLY_MET)

    paid = payments(app, views, programme_id)
    # ACUTE: schemes 3:1 -> 1,875,000 and 625,000; in the heavy one M1:M2 = 2:1 -> 1,250,000 and 625,000
    # available 1,875,000; earned M1's 1,250,000; at risk the light scheme's 625,000
    assert of(paid, ACUTE_ID) == money("1875000", "1250000", "625000", "625000", "66.67")
    acute = paid.providers[str(ACUTE_ID)].by_scheme_quarter
    assert shown(acute[(str(heavy_id), Quarter.Q1)]) == money("1875000", "1250000", "625000", "0", "66.67")
    assert shown(acute[(str(light_id), Quarter.Q1)]) == money("0", "0", "0", "625000", None)
    # COMMUNITY: schemes 1:1 -> 1,250,000 each; M1:M2 = 2:1 -> 833,333.333... and 416,666.666...
    # M1 Partially Met: earned 416,666.666...; at risk M2 416,666.666... + the light scheme's 1,250,000
    assert of(paid, COMMUNITY_ID) == money("833333.33", "416666.67", "416666.67", "1666666.67", "50.00")


def test_a_revised_contract_value_changes_the_money_at_stake(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)

    app.revise_provider_terms(
        COMMISSIONER,
        agreed.programme_id,
        ProviderTerms(ACUTE_ID, Decimal("120000000"), Decimal("0.025")),
        "Contract variation for winter beds",
    )

    paid = payments(app, views, agreed.programme_id)
    # 120,000,000 x 2.5% = 3,000,000, all at risk
    assert of(paid, ACUTE_ID) == money("0", "0", "0", "3000000", None)


def test_closing_a_quarter_fixes_its_payments_against_later_changes_of_contract_value(
    app: Corral, views: Views
) -> None:
    agreed = agreed_scheme(app, narrative_milestone("M1", Quarter.Q1), narrative_milestone("M2", Quarter.Q2))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))
    assess(app, agreed.scheme_id, ACUTE_ID, "M1", AssessmentStatus.MET)
    assess(app, agreed.scheme_id, COMMUNITY_ID, "M1", AssessmentStatus.MET)
    app.close_quarter(COMMISSIONER, agreed.scheme_id, Quarter.Q1)

    app.revise_provider_terms(
        COMMISSIONER,
        agreed.programme_id,
        ProviderTerms(ACUTE_ID, Decimal("200000000"), Decimal("0.025")),
        "Contract doubled from Q2",
    )

    paid = payments(app, views, agreed.programme_id)
    # Q1 closed at 100,000,000 x 2.5% / 2 milestones = 1,250,000; Q2 now 200,000,000 x 2.5% / 2 = 2,500,000
    assert of(paid, ACUTE_ID) == money("1250000", "1250000", "0", "2500000", "100")
