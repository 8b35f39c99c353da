"""Point in time: the evidence behind every assessment, and any aggregate as it stood at a moment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import NotFoundError
from domain.history import as_of, assessment_history
from domain.milestones import Quarter
from domain.scheme import Scheme
from domain.submission import Submission, SubmissionStatus
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, figures, flu_milestone
from tests.integration.given import agreed_scheme, events_of, presented


def test_an_appeal_keeps_the_first_decision_and_both_name_the_evidence_revision_they_saw(app: Corral) -> None:
    scheme_id = agreed_scheme(app, flu_milestone()).scheme_id
    submission_ids = presented(app, scheme_id, (COMMUNITY, "FLU", figures(65, 100)), (ACUTE, "FLU", figures(90, 100)))
    app.assess_milestone(
        COMMISSIONER, scheme_id, Quarter.Q1, COMMUNITY_ID, "FLU", AssessmentStatus.PARTIALLY_MET, "65%"
    )
    app.revise_assessment(
        COMMISSIONER,
        scheme_id,
        Quarter.Q1,
        COMMUNITY_ID,
        "FLU",
        AssessmentStatus.PARTIALLY_MET,
        "65%, recounted",
        reason="the provider showed the occupational health register was incomplete",
    )

    history = assessment_history(app, scheme_id, Quarter.Q1, COMMUNITY_ID, "FLU")

    assert [h.revised_on_appeal for h in history] == [False, True]
    assert history[1].reason.startswith("the provider showed")
    assert all(h.submission_id == submission_ids[(COMMUNITY_ID, "FLU")] for h in history)
    assert all(h.evidence == figures(65, 100) for h in history)
    assert str(history[0].assessment.achievement) == "0.25"
    assert history[0].assessed_by.user_id == COMMISSIONER.user_id
    assert assessment_history(app, scheme_id, Quarter.Q1, ACUTE_ID, "FLU") == []


def test_the_evidence_assessed_is_the_presented_revision_even_after_later_revisions(app: Corral) -> None:
    scheme_id = agreed_scheme(app, flu_milestone()).scheme_id
    ids = presented(app, scheme_id, (COMMUNITY, "FLU", figures(70, 100)))
    submission_id = ids[(COMMUNITY_ID, "FLU")]
    app.query_pack(COMMISSIONER, scheme_id, Quarter.Q1, "Is this all frontline staff?")
    app.return_evidence(ACUTE, submission_id, "Please include bank staff.")
    app.revise_evidence(COMMUNITY, submission_id, figures(72, 110), reason="bank staff included")
    app.accept_evidence(ACUTE, submission_id)
    app.present_pack(ACUTE, scheme_id, Quarter.Q1)
    app.assess_milestone(
        COMMISSIONER, scheme_id, Quarter.Q1, COMMUNITY_ID, "FLU", AssessmentStatus.PARTIALLY_MET, "65% with bank staff"
    )

    [decision] = assessment_history(app, scheme_id, Quarter.Q1, COMMUNITY_ID, "FLU")

    assert decision.assessment.evidence_assessed is not None
    assert decision.assessment.evidence_assessed.revision == 2
    assert decision.evidence == figures(72, 110)
    rebuilt = app.submission(submission_id, version=decision.submission_version)
    assert rebuilt.evidence() == figures(72, 110) and rebuilt.revision == 2


def test_an_aggregate_as_of_a_moment_is_rebuilt_from_the_events_up_to_then(app: Corral) -> None:
    scheme_id = agreed_scheme(app, flu_milestone()).scheme_id
    submission_id = app.submit_evidence(COMMUNITY, scheme_id, "FLU", figures(70, 100)).id
    submitted_at = events_of(app, submission_id)[0].timestamp
    app.return_evidence(ACUTE, submission_id, "Which month?")

    before = as_of(app, submission_id, submitted_at)
    now = as_of(app, submission_id, submitted_at + timedelta(days=1))

    assert isinstance(before, Submission) and before.status is SubmissionStatus.SUBMITTED
    assert isinstance(now, Submission) and now.status is SubmissionStatus.RETURNED
    assert isinstance(as_of(app, scheme_id, submitted_at), Scheme)
    with pytest.raises(NotFoundError):
        as_of(app, submission_id, submitted_at - timedelta(microseconds=1))
