"""Submissions: a provider's evidence, revised until the lead presents it, every revision kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.achievement import FiguresRequiredError
from domain.actors import Actor
from domain.errors import NotFoundError, NotPermittedError, ReasonRequiredError
from domain.milestones import Quarter
from domain.submission import CommentsRequiredError, NotAcceptedError, NotAwaitingReviewError, Submission
from domain.submission import SubmissionLockedError, SubmissionStatus, SubmissionWithdrawnError
from tests.builders import ON_TIME, ACUTE, ACUTE_ID, AUDITOR, COMMISSIONER, COMMUNITY
from tests.builders import figures, flu_milestone, narrative, narrative_milestone
from tests.unit.given import LEAD, LEAD_ID, PROGRAMME_ID, REVIEW_ID, SCHEME_ID
from tests.unit.given import accepted, collected, event_names, presented, submitted

NOT_THE_PROVIDER = [COMMUNITY, COMMISSIONER, AUDITOR]
NOT_THE_PROVIDER_IDS = ["another provider", "commissioner", "auditor"]
NOT_THE_LEAD = [ACUTE, COMMISSIONER, AUDITOR]
NOT_THE_LEAD_IDS = ["participant that does not lead", "commissioner", "auditor"]


def withdrawn() -> Submission:
    submission = submitted()
    submission.withdraw(ACUTE, "sent the wrong audit")
    submission.collect_events()
    return submission


def returned() -> Submission:
    submission = submitted()
    submission.return_by_lead(LEAD, LEAD_ID, "attach the audit")
    submission.collect_events()
    return submission


def test_a_provider_submits_evidence_for_a_milestone() -> None:
    submission = Submission.submit(
        ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, narrative_milestone("M1", Quarter.Q2), narrative(), today=ON_TIME
    )

    events = collected(submission)
    assert [type(e).__name__ for e in events] == ["EvidenceSubmitted"]
    assert (events[0].milestone_code, events[0].quarter, events[0].evidence, events[0].actor) == (
        "M1",
        Quarter.Q2,
        narrative(),
        ACUTE,
    )
    assert (submission.status, submission.revision, submission.evidence()) == (
        SubmissionStatus.SUBMITTED,
        1,
        narrative(),
    )


@pytest.mark.parametrize("actor", NOT_THE_PROVIDER, ids=NOT_THE_PROVIDER_IDS)
def test_no_one_submits_evidence_for_another_provider(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        Submission.submit(actor, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, narrative_milestone(), narrative(), today=ON_TIME)


def test_a_numeric_milestone_needs_figures() -> None:
    with pytest.raises(FiguresRequiredError):
        Submission.submit(ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, flu_milestone(), narrative(), today=ON_TIME)


def test_a_revision_keeps_every_earlier_revision_readable() -> None:
    submission = submitted()

    submission.revise(ACUTE, narrative_milestone(), narrative("Re-audited in June."), " re-audit ", today=ON_TIME)

    events = collected(submission)
    assert [type(e).__name__ for e in events] == ["EvidenceRevised"]
    assert (events[0].revision, events[0].evidence, events[0].reason) == (
        2,
        narrative("Re-audited in June."),
        "re-audit",
    )
    assert submission.revision == 2
    assert submission.evidence() == submission.evidence(2) == narrative("Re-audited in June.")
    assert submission.evidence(1) == narrative()


@pytest.mark.parametrize("revision", [0, 2])
def test_a_revision_never_made_is_not_found(revision: int) -> None:
    with pytest.raises(NotFoundError):
        submitted().evidence(revision)


def test_a_revision_needs_a_reason() -> None:
    with pytest.raises(ReasonRequiredError):
        submitted().revise(ACUTE, narrative_milestone(), narrative("Re-audited."), "", today=ON_TIME)


def test_a_revision_of_a_numeric_milestone_still_needs_figures() -> None:
    submission = submitted(flu_milestone(), figures(70, 100))

    with pytest.raises(FiguresRequiredError):
        submission.revise(ACUTE, flu_milestone(), narrative(), "explain instead", today=ON_TIME)


@pytest.mark.parametrize("actor", NOT_THE_PROVIDER, ids=NOT_THE_PROVIDER_IDS)
def test_no_one_revises_another_providers_evidence(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        submitted().revise(actor, narrative_milestone(), narrative("Better."), "improve it", today=ON_TIME)


def test_revising_accepted_evidence_sends_it_back_for_review() -> None:
    submission = accepted()

    submission.revise(ACUTE, narrative_milestone(), narrative("Better."), "late data", today=ON_TIME)

    assert event_names(submission) == ["EvidenceRevised"]
    assert (submission.status, submission.is_in_pack) == (SubmissionStatus.SUBMITTED, False)


def test_a_provider_withdraws_its_evidence_saying_why() -> None:
    submission = submitted()

    submission.withdraw(ACUTE, " sent the wrong audit ")

    events = collected(submission)
    assert [type(e).__name__ for e in events] == ["EvidenceWithdrawn"]
    assert (events[0].revision, events[0].reason) == (1, "sent the wrong audit")
    assert submission.status is SubmissionStatus.WITHDRAWN


def test_a_withdrawal_needs_a_reason() -> None:
    with pytest.raises(ReasonRequiredError):
        submitted().withdraw(ACUTE, " ")


def test_withdrawn_evidence_is_not_withdrawn_again() -> None:
    with pytest.raises(SubmissionWithdrawnError):
        withdrawn().withdraw(ACUTE, "really")


@pytest.mark.parametrize("actor", NOT_THE_PROVIDER, ids=NOT_THE_PROVIDER_IDS)
def test_no_one_withdraws_another_providers_evidence(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        submitted().withdraw(actor, "not needed")


def test_withdrawn_evidence_comes_back_by_revising_it() -> None:
    submission = withdrawn()

    submission.revise(ACUTE, narrative_milestone(), narrative("The right audit."), "resubmitting", today=ON_TIME)

    assert event_names(submission) == ["EvidenceRevised"]
    assert (submission.status, submission.revision) == (SubmissionStatus.SUBMITTED, 2)


def test_the_lead_accepts_submitted_evidence_into_its_pack() -> None:
    submission = submitted()

    submission.accept_by_lead(LEAD, LEAD_ID, " thorough ")

    events = collected(submission)
    assert [type(e).__name__ for e in events] == ["EvidenceAcceptedByLead"]
    assert (events[0].revision, events[0].comment, events[0].actor) == (1, "thorough", LEAD)
    assert (submission.status, submission.is_in_pack) == (SubmissionStatus.ACCEPTED, True)


@pytest.mark.parametrize("actor", NOT_THE_LEAD, ids=NOT_THE_LEAD_IDS)
def test_only_the_lead_accepts_evidence(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        submitted().accept_by_lead(actor, LEAD_ID)


@pytest.mark.parametrize("given", [withdrawn, returned, accepted, presented], ids=lambda f: f.__name__)
def test_the_lead_accepts_only_evidence_awaiting_review(given: Callable[[], Submission]) -> None:
    with pytest.raises(NotAwaitingReviewError):
        given().accept_by_lead(LEAD, LEAD_ID)


def test_the_lead_returns_evidence_with_comments() -> None:
    submission = accepted()

    submission.return_by_lead(LEAD, LEAD_ID, " attach the audit ")

    events = collected(submission)
    assert [type(e).__name__ for e in events] == ["EvidenceReturnedByLead"]
    assert (events[0].revision, events[0].comments) == (1, "attach the audit")
    assert (submission.status, submission.lead_comments, submission.is_in_pack) == (
        SubmissionStatus.RETURNED,
        "attach the audit",
        False,
    )


def test_returning_evidence_needs_comments() -> None:
    with pytest.raises(CommentsRequiredError):
        submitted().return_by_lead(LEAD, LEAD_ID, "  ")


@pytest.mark.parametrize("actor", NOT_THE_LEAD, ids=NOT_THE_LEAD_IDS)
def test_only_the_lead_returns_evidence(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        submitted().return_by_lead(actor, LEAD_ID, "attach the audit")


def test_withdrawn_evidence_is_not_returned() -> None:
    with pytest.raises(SubmissionWithdrawnError):
        withdrawn().return_by_lead(LEAD, LEAD_ID, "attach the audit")


def test_returned_evidence_is_not_returned_again() -> None:
    with pytest.raises(NotAwaitingReviewError):
        returned().return_by_lead(LEAD, LEAD_ID, "and another thing")


def test_accepted_evidence_is_locked_into_a_presented_pack_at_its_revision() -> None:
    submission = accepted()

    submission.include_in_pack(LEAD, LEAD_ID, REVIEW_ID, 1)

    events = collected(submission)
    assert [type(e).__name__ for e in events] == ["EvidencePresented"]
    assert (events[0].review_id, events[0].pack_number, events[0].revision) == (REVIEW_ID, 1, 1)
    assert (submission.status, submission.is_in_pack) == (SubmissionStatus.PRESENTED, True)


@pytest.mark.parametrize("given", [submitted, withdrawn, returned, presented], ids=lambda f: f.__name__)
def test_only_accepted_evidence_goes_into_a_pack(given: Callable[[], Submission]) -> None:
    with pytest.raises(NotAcceptedError):
        given().include_in_pack(LEAD, LEAD_ID, REVIEW_ID, 2)


@pytest.mark.parametrize("actor", NOT_THE_LEAD, ids=NOT_THE_LEAD_IDS)
def test_only_the_lead_puts_evidence_into_a_pack(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        accepted().include_in_pack(actor, LEAD_ID, REVIEW_ID, 1)


def test_a_presented_submission_is_locked_against_revision() -> None:
    with pytest.raises(SubmissionLockedError):
        presented().revise(ACUTE, narrative_milestone(), narrative("Better."), "late data", today=ON_TIME)


def test_a_presented_submission_is_locked_against_withdrawal() -> None:
    with pytest.raises(SubmissionLockedError):
        presented().withdraw(ACUTE, "changed our mind")


def test_a_presented_submission_is_locked_until_the_lead_returns_it() -> None:
    submission = presented()
    submission.return_by_lead(LEAD, LEAD_ID, "the commissioner asks for the June audit")
    submission.collect_events()

    submission.revise(
        ACUTE, narrative_milestone(), narrative("June audit attached."), "commissioner's query", today=ON_TIME
    )

    assert event_names(submission) == ["EvidenceRevised"]
    assert (submission.status, submission.revision) == (SubmissionStatus.SUBMITTED, 2)
