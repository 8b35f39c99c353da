"""A scheme-quarter: review by the lead, the pack, the commissioner's query and assessments, and closing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import NotPermittedError
from domain.milestones import Quarter
from domain.evidence_pack import PackEntry
from domain.review_errors import PackNotQueriedError, QuarterClosedError
from domain.unassessed import UnassessedMilestonesError
from domain.service import Recorded
from domain.submission import SubmissionLockedError, SubmissionStatus
from tests.builders import ACUTE, ACUTE_ID, AUDITOR, COMMISSIONER, COMMUNITY
from tests.builders import COMMUNITY_ID, figures, flu_milestone, narrative, narrative_milestone
from tests.integration.given import accepted, agreed_scheme, event_count, event_names, events_of, last_event, presented

Q1 = Quarter.Q1
MET = AssessmentStatus.MET


def test_a_returned_submission_carries_the_leads_comments_until_revised(app: Corral) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).id

    app.return_evidence(ACUTE, submission_id, "Attach the ward-level breakdown")

    submission = app.submission(submission_id)
    assert submission.status is SubmissionStatus.RETURNED
    assert submission.lead_comments == "Attach the ward-level breakdown"
    assert event_names(app, submission_id) == ["EvidenceSubmitted", "EvidenceReturnedByLead"]
    assert last_event(app, submission_id).actor == ACUTE


def test_only_the_lead_may_accept_a_submission(app: Corral) -> None:
    agreed = agreed_scheme(app, lead=ACUTE_ID)
    submission_id = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative()).id

    with pytest.raises(NotPermittedError):
        app.accept_evidence(COMMUNITY, submission_id)

    assert app.submission(submission_id).status is SubmissionStatus.SUBMITTED


def test_the_lead_nudges_a_provider_whose_evidence_is_missing(app: Corral) -> None:
    agreed = agreed_scheme(app)

    recorded = app.nudge_provider(ACUTE, agreed.scheme_id, Q1, COMMUNITY_ID, "M1 is due on 31 July")

    nudge = last_event(app, recorded.id)
    assert type(nudge).__name__ == "ProviderNudgedByLead"
    assert (nudge.provider_id, nudge.message, nudge.actor) == (COMMUNITY_ID, "M1 is due on 31 July", ACUTE)


def test_presenting_a_pack_pins_each_accepted_revision_and_locks_its_submission(app: Corral) -> None:
    agreed = agreed_scheme(app)
    community_id = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative("First draft.")).id
    app.revise_evidence(COMMUNITY, community_id, narrative("Final audit."), reason="Audit finished")
    app.accept_evidence(ACUTE, community_id)
    acute_id = accepted(app, agreed.scheme_id, ACUTE, "M1")

    recorded = app.present_pack(ACUTE, agreed.scheme_id, Q1)

    review = app.quarter_review(agreed.scheme_id, Q1)
    assert recorded.id == review.id
    assert set(review.current_pack) == {
        PackEntry(acute_id, ACUTE_ID, "M1", 1),
        PackEntry(community_id, COMMUNITY_ID, "M1", 2),
    }
    assert app.submission(community_id).status is SubmissionStatus.PRESENTED
    assert event_names(app, community_id)[-1] == "EvidencePresented"
    with pytest.raises(SubmissionLockedError):
        app.revise_evidence(COMMUNITY, community_id, narrative("Afterthought."), reason="Afterthought")


def test_the_lead_cannot_return_presented_evidence_before_the_commissioner_queries_the_pack(app: Corral) -> None:
    agreed = agreed_scheme(app)
    ids = presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))
    before = event_count(app)

    with pytest.raises(PackNotQueriedError):
        app.return_evidence(ACUTE, ids[COMMUNITY_ID, "M1"], "Please add the audit")

    assert event_count(app) == before


def test_after_a_query_the_lead_returns_presented_evidence_and_re_presents_the_revision(app: Corral) -> None:
    agreed = agreed_scheme(app)
    ids = presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))
    community_id = ids[COMMUNITY_ID, "M1"]
    app.query_pack(COMMISSIONER, agreed.scheme_id, Q1, "Where is the community audit?")
    app.return_evidence(ACUTE, community_id, "Please add the audit")
    app.revise_evidence(COMMUNITY, community_id, narrative("Audit attached."), reason="Added the audit")
    app.accept_evidence(ACUTE, community_id)

    app.present_pack(ACUTE, agreed.scheme_id, Q1)

    review = app.quarter_review(agreed.scheme_id, Q1)
    assert len(review.packs) == 2
    assert review.entry_for(COMMUNITY_ID, "M1") == PackEntry(community_id, COMMUNITY_ID, "M1", 2)
    assert review.packs[0] != review.packs[1]
    assert event_names(app, review.id) == [
        "Opened",
        "EvidencePackPresented",
        "EvidencePackQueried",
        "EvidencePackPresented",
    ]
    assert app.submission(community_id).status is SubmissionStatus.PRESENTED


@pytest.mark.parametrize(
    ("vaccinated", "status", "earned"),
    [
        (55, AssessmentStatus.NOT_MET, Decimal(0)),
        (70, AssessmentStatus.PARTIALLY_MET, Decimal("0.5")),
        (85, AssessmentStatus.MET, Decimal(1)),
    ],
)
def test_a_numeric_milestone_earns_its_share_of_the_sliding_scale(
    app: Corral, vaccinated: int, status: AssessmentStatus, earned: Decimal
) -> None:
    agreed = agreed_scheme(app, flu_milestone(), participants=(ACUTE_ID,))
    ids = presented(app, agreed.scheme_id, (ACUTE, "FLU", figures(vaccinated, 100)))

    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "FLU", status, "On the reported uptake")

    assessment = app.quarter_review(agreed.scheme_id, Q1).assessment(ACUTE_ID, "FLU")
    assert (assessment.status, assessment.achievement) == (status, earned)
    assert assessment.evidence_assessed == PackEntry(ids[ACUTE_ID, "FLU"], ACUTE_ID, "FLU", 1)


def test_a_narrative_milestone_partially_met_earns_the_programmes_partial_fraction(app: Corral) -> None:
    agreed = agreed_scheme(app, narrative_milestone(), participants=(ACUTE_ID,))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))

    app.assess_milestone(
        COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", AssessmentStatus.PARTIALLY_MET, "Half the wards"
    )

    assert app.quarter_review(agreed.scheme_id, Q1).assessment(ACUTE_ID, "M1").achievement == Decimal("0.5")


def test_only_the_commissioner_may_assess(app: Corral) -> None:
    agreed = agreed_scheme(app, participants=(ACUTE_ID,))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))

    for not_the_commissioner in (ACUTE, AUDITOR):
        with pytest.raises(NotPermittedError):
            app.assess_milestone(not_the_commissioner, agreed.scheme_id, Q1, ACUTE_ID, "M1", MET, "Self-assessed")

    assert app.quarter_review(agreed.scheme_id, Q1).assessments == {}


def test_revising_an_assessment_on_appeal_keeps_the_earlier_one_in_the_record(app: Corral) -> None:
    agreed = agreed_scheme(app, participants=(ACUTE_ID,))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))
    app.assess_milestone(
        COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", AssessmentStatus.NOT_MET, "No ward breakdown"
    )

    app.revise_assessment(
        COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", MET, "Breakdown was on page 4", reason="Appeal upheld"
    )

    review = app.quarter_review(agreed.scheme_id, Q1)
    assert review.assessment(ACUTE_ID, "M1").status is MET
    first, revised = [e for e in events_of(app, review.id) if "Assess" in type(e).__name__]
    assert first.assessment.status is AssessmentStatus.NOT_MET
    assert type(revised).__name__ == "AssessmentRevisedOnAppeal"
    assert revised.previous == first.assessment
    assert revised.reason == "Appeal upheld"


def test_a_quarter_with_an_unassessed_provider_milestone_cannot_close(app: Corral) -> None:
    agreed = agreed_scheme(app)
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", MET, "Audit complete")

    with pytest.raises(UnassessedMilestonesError):
        app.close_quarter(COMMISSIONER, agreed.scheme_id, Q1)

    assert event_names(app, app.quarter_review(agreed.scheme_id, Q1).id)[-1] == "MilestoneAssessed"


def test_a_closed_quarter_refuses_new_evidence(app: Corral) -> None:
    agreed = agreed_scheme(app, narrative_milestone("M1"), narrative_milestone("M2"), participants=(ACUTE_ID,))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", MET, "Audit complete")
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M2", AssessmentStatus.NOT_MET, "Nothing sent")
    app.close_quarter(COMMISSIONER, agreed.scheme_id, Q1)
    before = event_count(app)

    with pytest.raises(QuarterClosedError):
        app.submit_evidence(ACUTE, agreed.scheme_id, "M2", narrative("Sorry, late."))

    assert event_count(app) == before


def test_a_closed_quarter_refuses_a_revised_assessment(app: Corral) -> None:
    agreed = agreed_scheme(app, participants=(ACUTE_ID,))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", MET, "Audit complete")
    app.close_quarter(COMMISSIONER, agreed.scheme_id, Q1)

    with pytest.raises(QuarterClosedError):
        app.revise_assessment(
            COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", AssessmentStatus.NOT_MET, "Recount", reason="Audit"
        )

    assert app.quarter_review(agreed.scheme_id, Q1).assessment(ACUTE_ID, "M1").status is MET


def test_a_closed_quarter_refuses_reviewing_or_withdrawing_its_unpresented_evidence(app: Corral) -> None:
    agreed = agreed_scheme(app, participants=(ACUTE_ID, COMMUNITY_ID))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))
    late_id = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative("Late.")).id
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", MET, "Audit complete")
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, COMMUNITY_ID, "M1", AssessmentStatus.NOT_MET, "Late")
    app.close_quarter(COMMISSIONER, agreed.scheme_id, Q1)

    changes: list[Callable[[], Recorded]] = [
        lambda: app.accept_evidence(ACUTE, late_id),
        lambda: app.return_evidence(ACUTE, late_id, "Too late"),
        lambda: app.withdraw_evidence(COMMUNITY, late_id, reason="Too late"),
    ]
    for change in changes:
        with pytest.raises(QuarterClosedError):
            change()

    assert event_names(app, late_id) == ["EvidenceSubmitted"]
