"""Deadlines: what a due date means today, late evidence, the pack deadline, Corral's reminders, and the call-in that
keeps a silent lead from costing a neighbour its income."""

from __future__ import annotations

from dataclasses import replace

from datetime import date, timedelta

import pytest

from domain.achievement import AssessmentStatus
from domain.actors import Actor
from domain.deadlines import Standing, due_note, reminder_due, standing
from domain.errors import NotPermittedError, ReasonRequiredError
from domain.limits import InvalidInputError
from domain.milestones import Quarter
from domain.quarter_review import QuarterReview
from domain.reminder import Reminder
from domain.review_errors import AlreadyBeforeCommissionerError, PackNotOverdueError
from domain.scheme_terms import PackDeadline, SchemeTerms
from domain.submission import NotAwaitingReviewError, Submission, SubmissionLockedError, SubmissionStatus
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY_ID, ON_TIME, narrative, narrative_milestone
from tests.unit.given import RULES, LEAD, LEAD_ID, PROGRAMME_ID, SCHEME_ID, SCOPE, accepted, collected
from tests.unit.given import entry, opened_review, presented, submitted, terms

M1 = narrative_milestone("M1")  # due 31 July 2014
DUE = M1.due
PACK_DUE = DUE + timedelta(days=14)
AFTER = PACK_DUE + timedelta(days=1)
SYSTEM = Actor.system("reminders")


@pytest.mark.parametrize(
    ("today", "expected", "note"),
    [
        (DUE - timedelta(days=30), Standing.LATER, "due in 30 days"),
        (DUE - timedelta(days=14), Standing.DUE_SOON, "due in 14 days"),
        (DUE - timedelta(days=1), Standing.DUE_SOON, "due tomorrow"),
        (DUE, Standing.DUE_TODAY, "due today"),
        (DUE + timedelta(days=1), Standing.OVERDUE, "1 day overdue"),
        (DUE + timedelta(days=12), Standing.OVERDUE, "12 days overdue"),
    ],
)
def test_a_due_date_reads_relative_to_today(today: date, expected: Standing, note: str) -> None:
    assert standing(DUE, today) is expected
    assert due_note(DUE, today) == note


def test_a_reminder_is_due_in_the_week_before_and_the_week_after_the_due_date_only() -> None:
    days = {offset: reminder_due(DUE, DUE + timedelta(days=offset)) for offset in range(-10, 11)}

    assert [offset for offset, due in days.items() if due] == list(range(-7, 8))


def test_evidence_sent_after_its_due_date_is_accepted_and_recorded_as_late() -> None:
    submission = Submission.submit(ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, M1, narrative(), DUE + timedelta(days=3))
    submission.revise(ACUTE, M1, narrative("June audit added."), "added June", DUE)

    sent, revised = collected(submission)
    assert (sent.late, revised.late) == (True, False)
    assert submission.status is SubmissionStatus.SUBMITTED


def test_evidence_sent_on_its_due_date_is_on_time() -> None:
    submission = Submission.submit(ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, M1, narrative(), DUE)

    [sent] = collected(submission)
    assert sent.late is False


def test_a_quarters_pack_is_due_a_fortnight_after_its_last_milestone_unless_the_terms_name_the_day() -> None:
    later = narrative_milestone("M2", Quarter.Q1)
    q2 = narrative_milestone("Q2", Quarter.Q2)
    plain = terms(M1, q2)
    named = SchemeTerms(
        plain.title,
        plain.participants,
        plain.milestones,
        pack_deadlines=(PackDeadline(Quarter.Q2, date(2014, 11, 30)),),
    )

    assert plain.pack_deadline(Quarter.Q1) == PACK_DUE
    assert terms(M1, later).pack_deadline(Quarter.Q1) == PACK_DUE
    assert named.pack_deadline(Quarter.Q2) == date(2014, 11, 30)
    assert plain.pack_deadline(Quarter.Q4) is None


def test_a_pack_deadline_before_its_quarters_evidence_is_due_is_refused_naming_the_field() -> None:
    plain = terms(M1)
    early = replace(plain, pack_deadlines=(PackDeadline(Quarter.Q1, DUE - timedelta(days=1)),))

    with pytest.raises(InvalidInputError) as refused:
        early.require_in(SCOPE)

    assert refused.value.field == "pack_deadlines.0.due"


def test_corral_reminds_a_provider_once_and_no_person_can_send_a_reminder() -> None:
    reminder = Reminder.send(SYSTEM, PROGRAMME_ID, SCHEME_ID, COMMUNITY_ID, M1, DUE + timedelta(days=2))

    [sent] = collected(reminder)
    assert (sent.provider_id, sent.milestone_code, sent.due, sent.overdue) == (COMMUNITY_ID, "M1", DUE, True)
    assert Reminder.send(SYSTEM, PROGRAMME_ID, SCHEME_ID, COMMUNITY_ID, M1, DUE).id != reminder.id
    assert Reminder.send(SYSTEM, PROGRAMME_ID, SCHEME_ID, COMMUNITY_ID, M1, DUE + timedelta(days=5)).id == reminder.id
    for person in (LEAD, COMMISSIONER):
        with pytest.raises(NotPermittedError):
            Reminder.send(person, PROGRAMME_ID, SCHEME_ID, COMMUNITY_ID, M1, DUE)


def called_in(waiting: Submission) -> tuple[QuarterReview, Submission]:
    """The day after the pack deadline, the commissioner calls in evidence still waiting with the lead."""
    review = opened_review()
    review.call_in(COMMISSIONER, entry(waiting), "The lead has not replied since August", AFTER, PACK_DUE)
    waiting.call_in(COMMISSIONER, review.commissioner_id, review.id, "The lead has not replied since August")
    return review, waiting


def test_after_the_pack_deadline_the_commissioner_calls_in_waiting_evidence_and_assesses_it() -> None:
    review, waiting = called_in(submitted())

    review.assess(COMMISSIONER, M1, ACUTE_ID, AssessmentStatus.MET, "Audit complete", waiting.evidence(), RULES)

    assert review.was_called_in(ACUTE_ID, "M1")
    assert review.assessment(ACUTE_ID, "M1").status is AssessmentStatus.MET
    assert waiting.status is SubmissionStatus.CALLED_IN
    with pytest.raises(SubmissionLockedError):
        waiting.revise(ACUTE, M1, narrative("Changed after the call-in."), "second thoughts", ON_TIME)
    with pytest.raises(SubmissionLockedError):
        waiting.return_by_lead(LEAD, LEAD_ID, "too late now")


def test_evidence_the_lead_accepted_but_never_presented_can_be_called_in_too() -> None:
    _, waiting = called_in(accepted())

    assert waiting.status is SubmissionStatus.CALLED_IN


def test_nothing_is_called_in_before_the_pack_deadline_has_passed() -> None:
    review = opened_review()

    with pytest.raises(PackNotOverdueError):
        review.call_in(COMMISSIONER, entry(submitted()), "impatient", PACK_DUE, PACK_DUE)


def test_a_call_in_needs_a_reason_and_the_commissioner() -> None:
    review = opened_review()

    with pytest.raises(ReasonRequiredError):
        review.call_in(COMMISSIONER, entry(submitted()), "  ", AFTER, PACK_DUE)
    with pytest.raises(NotPermittedError):
        review.call_in(LEAD, entry(submitted()), "the lead cannot", AFTER, PACK_DUE)


def test_evidence_already_before_the_commissioner_is_not_called_in_again() -> None:
    review, waiting = called_in(submitted())

    with pytest.raises(AlreadyBeforeCommissionerError):
        review.call_in(COMMISSIONER, entry(waiting), "again", PACK_DUE + timedelta(days=2), PACK_DUE)
    with pytest.raises(NotAwaitingReviewError):
        presented().call_in(COMMISSIONER, review.commissioner_id, review.id, "it is in the pack already")
