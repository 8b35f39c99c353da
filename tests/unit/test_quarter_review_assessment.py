"""A scheme-quarter's review: the commissioner assesses each provider-milestone and revises on appeal."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from domain.payment_rules import as_set_up
from domain.achievement import AssessmentStatus, FiguresRequiredError, StatusDisagreesWithFiguresError
from domain.actors import Actor
from domain.errors import NotPermittedError, ReasonRequiredError
from domain.assessment import Assessment, EvidenceNotInPackError, RationaleRequiredError
from domain.quarter_review import QuarterReview
from domain.review_errors import AlreadyAssessedError, NotAssessedError, PackNotPresentedError
from domain.submission import Submission
from tests.builders import ACUTE_ID, AUDITOR, COMMISSIONER, COMMUNITY_ID, figures, flu_milestone, narrative_milestone
from tests.unit.given import (
    collected,
    HALF,
    RULES,
    LEAD,
    entry,
    event_names,
    opened_review,
    presented,
    presented_review,
)

M1 = narrative_milestone("M1")
FLU = flu_milestone()
MET, PARTLY, NOT_MET, NA = (
    AssessmentStatus.MET,
    AssessmentStatus.PARTIALLY_MET,
    AssessmentStatus.NOT_MET,
    AssessmentStatus.NOT_APPLICABLE,
)


def acute_presented(submission: Submission | None = None) -> tuple[QuarterReview, Submission]:
    """ACUTE's evidence for M1 (or the given submission) is in the presented pack; COMMUNITY's is missing."""
    submission = submission or presented()
    return presented_review(submission), submission


def acute_assessed_met() -> tuple[QuarterReview, Submission]:
    review, submission = acute_presented()
    review.assess(COMMISSIONER, M1, ACUTE_ID, MET, "audit complete", submission.evidence(), RULES)
    review.collect_events()
    return review, submission


def queried() -> QuarterReview:
    review, _ = acute_presented()
    review.query(COMMISSIONER, "Where is the June audit?")
    return review


def test_the_commissioner_assesses_presented_evidence_as_met() -> None:
    review, submission = acute_presented()

    review.assess(COMMISSIONER, M1, ACUTE_ID, MET, " every safety plan audited ", submission.evidence(), RULES)

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["MilestoneAssessed"]
    expected = Assessment(ACUTE_ID, "M1", MET, "every safety plan audited", Decimal(1), entry(submission))
    assert (events[0].assessment, events[0].actor) == (expected, COMMISSIONER)
    assert review.assessment(ACUTE_ID, "M1") == review.find_assessment(ACUTE_ID, "M1") == expected


def test_partially_met_narrative_evidence_earns_the_programmes_partial_fraction() -> None:
    review, submission = acute_presented()

    review.assess(
        COMMISSIONER, M1, ACUTE_ID, PARTLY, "half the wards audited", submission.evidence(), as_set_up(Decimal("0.25"))
    )

    assert review.assessment(ACUTE_ID, "M1").achievement == Decimal("0.25")
    assert event_names(review) == ["MilestoneAssessed"]


def test_missing_evidence_is_assessed_not_met_and_earns_nothing() -> None:
    review, _ = acute_presented()

    review.assess(COMMISSIONER, M1, COMMUNITY_ID, NOT_MET, "nothing submitted", None, RULES)

    assessment = review.assessment(COMMUNITY_ID, "M1")
    assert (assessment.achievement, assessment.evidence_assessed) == (Decimal(0), None)


def test_a_milestone_not_at_stake_is_assessed_na_without_a_pack_and_leaves_the_totals() -> None:
    review = opened_review()

    review.assess(COMMISSIONER, FLU, COMMUNITY_ID, NA, "no frontline staff", None, RULES)

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["MilestoneAssessed"]
    assert (events[0].assessment.status, events[0].assessment.achievement) == (NA, None)


def test_an_assessment_needs_a_rationale() -> None:
    review, submission = acute_presented()

    with pytest.raises(RationaleRequiredError):
        review.assess(COMMISSIONER, M1, ACUTE_ID, MET, "  ", submission.evidence(), RULES)


@pytest.mark.parametrize("status", [MET, PARTLY], ids=lambda s: s.value)
def test_met_and_partially_met_need_evidence_in_the_pack(status: AssessmentStatus) -> None:
    review, _ = acute_presented()

    with pytest.raises(EvidenceNotInPackError):
        review.assess(COMMISSIONER, M1, COMMUNITY_ID, status, "we heard it went well", None, RULES)


def test_numeric_evidence_between_the_thresholds_earns_its_share_of_the_sliding_scale() -> None:
    review, submission = acute_presented(presented(FLU, figures(70, 100)))

    review.assess(COMMISSIONER, FLU, ACUTE_ID, PARTLY, "70% uptake", submission.evidence(), RULES)

    assert review.assessment(ACUTE_ID, "FLU").achievement == Decimal("0.5")


@pytest.mark.parametrize("status", [MET, NOT_MET], ids=lambda s: s.value)
def test_a_numeric_status_must_agree_with_the_share_of_the_figures(status: AssessmentStatus) -> None:
    review, submission = acute_presented(presented(FLU, figures(70, 100)))

    with pytest.raises(StatusDisagreesWithFiguresError):
        review.assess(COMMISSIONER, FLU, ACUTE_ID, status, "close enough", submission.evidence(), RULES)


@pytest.mark.parametrize(
    ("uptake", "status", "earned", "share"),
    [(70, MET, Decimal(1), HALF), (85, PARTLY, HALF, 1), (70, NOT_MET, 0, HALF), (85, NA, None, 1)],
    ids=lambda v: str(getattr(v, "value", v)),
)
def test_the_commissioner_departs_from_the_figures_with_a_reason_and_the_status_decides_the_achievement(
    uptake: int, status: AssessmentStatus, earned: Decimal | None, share: Decimal
) -> None:
    review, submission = acute_presented(presented(FLU, figures(uptake, 100)))
    reason = " the uptake figures were not validated by occupational health "

    review.assess(COMMISSIONER, FLU, ACUTE_ID, status, "on the audit", submission.evidence(), RULES, reason)

    recorded = collected(review)[-1].assessment
    assert (recorded.status, recorded.achievement) == (status, earned)
    assert (recorded.figures_share, recorded.override_reason) == (share, reason.strip())
    assert recorded.overridden


def test_a_revision_on_appeal_may_depart_from_the_figures_with_a_reason() -> None:
    review, submission = acute_presented(presented(FLU, figures(85, 100)))
    review.assess(COMMISSIONER, FLU, ACUTE_ID, MET, "85% uptake", submission.evidence(), RULES)

    review.revise_on_appeal(
        COMMISSIONER, FLU, ACUTE_ID, NOT_MET, "recount", submission.evidence(), RULES, "appeal", "figures unvalidated"
    )

    revised = collected(review)[-1]
    assert (revised.previous.overridden, revised.assessment.overridden) == (False, True)
    assert (revised.assessment.achievement, revised.assessment.figures_share) == (Decimal(0), Decimal(1))


def test_a_numeric_milestone_is_not_met_without_its_figures() -> None:
    review, _ = acute_presented(presented(FLU, figures(85, 100)))

    with pytest.raises(FiguresRequiredError):
        review.assess(COMMISSIONER, FLU, ACUTE_ID, MET, "85% uptake", None, RULES)


@pytest.mark.parametrize("given", [opened_review, queried], ids=["nothing presented", "pack queried"])
def test_evidence_is_assessed_only_while_a_pack_is_presented(given: Callable[[], QuarterReview]) -> None:
    with pytest.raises(PackNotPresentedError):
        given().assess(COMMISSIONER, M1, ACUTE_ID, NOT_MET, "nothing presented", None, RULES)


def test_an_assessed_milestone_is_not_assessed_again() -> None:
    review, submission = acute_assessed_met()

    with pytest.raises(AlreadyAssessedError):
        review.assess(COMMISSIONER, M1, ACUTE_ID, PARTLY, "on reflection", submission.evidence(), RULES)


@pytest.mark.parametrize("actor", [LEAD, AUDITOR], ids=["lead", "auditor"])
def test_only_the_commissioner_assesses(actor: Actor) -> None:
    review, submission = acute_presented()

    with pytest.raises(NotPermittedError):
        review.assess(actor, M1, ACUTE_ID, MET, "looks fine to us", submission.evidence(), RULES)


def test_an_assessment_revised_on_appeal_records_the_earlier_one_and_the_reason() -> None:
    review, submission = acute_assessed_met()
    previous = review.assessment(ACUTE_ID, "M1")

    review.revise_on_appeal(
        COMMISSIONER, M1, ACUTE_ID, PARTLY, "two wards missing", submission.evidence(), RULES, " internal audit "
    )

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["AssessmentRevisedOnAppeal"]
    assert (events[0].previous, events[0].reason) == (previous, "internal audit")
    assert (events[0].assessment.status, events[0].assessment.achievement) == (PARTLY, HALF)
    assert review.assessment(ACUTE_ID, "M1") == events[0].assessment


def test_revising_an_assessment_needs_a_reason() -> None:
    review, submission = acute_assessed_met()

    with pytest.raises(ReasonRequiredError):
        review.revise_on_appeal(
            COMMISSIONER, M1, ACUTE_ID, PARTLY, "two wards missing", submission.evidence(), RULES, ""
        )


def test_a_revised_assessment_still_needs_a_rationale() -> None:
    review, submission = acute_assessed_met()

    with pytest.raises(RationaleRequiredError):
        review.revise_on_appeal(COMMISSIONER, M1, ACUTE_ID, PARTLY, " ", submission.evidence(), RULES, "appeal")


def test_only_an_assessment_that_exists_is_revised() -> None:
    review, _ = acute_assessed_met()

    assert review.find_assessment(COMMUNITY_ID, "M1") is None
    with pytest.raises(NotAssessedError):
        review.revise_on_appeal(COMMISSIONER, M1, COMMUNITY_ID, NOT_MET, "nothing submitted", None, RULES, "appeal")


@pytest.mark.parametrize("actor", [LEAD, AUDITOR], ids=["lead", "auditor"])
def test_only_the_commissioner_revises_an_assessment(actor: Actor) -> None:
    review, submission = acute_assessed_met()

    with pytest.raises(NotPermittedError):
        review.revise_on_appeal(actor, M1, ACUTE_ID, PARTLY, "fairer", submission.evidence(), RULES, "appeal")
