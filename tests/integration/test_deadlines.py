"""Deadlines in a running quarter, day by day: late evidence, what the views say is due or overdue, each
organisation's work queue, Corral's reminders, and the commissioner calling in evidence a silent lead left waiting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.milestones import Quarter
from domain.review_errors import PackNotOverdueError
from domain.submission import SubmissionStatus
from domain.actors import Actor
from projections.audit import audit_trail
from projections.notifications import NotificationsView
from projections.notifications.queries import inbox
from projections.audit.view import AuditView
from projections.progress.queries import load_progress, work_queue
from projections.reminders import ReminderSweep
from tests.builders import ACUTE, COMMISSIONER, COMMUNITY, COMMUNITY_ID, OPERATOR, narrative, narrative_milestone
from tests.integration.given import agreed_scheme, event_names
from tests.integration.read_models import Views, views_of

M1 = narrative_milestone("M1")  # Q1, due 31 July 2014
DUE = M1.due
PACK_DUE = DUE + timedelta(days=14)  # no deadline named in the terms: a fortnight after the last milestone


@dataclass
class Calendar:
    """A clock a scenario moves on, day by day."""

    day: date

    def today(self) -> date:
        return self.day


@dataclass
class Quarter1:
    app: Corral
    views: Views
    calendar: Calendar
    scheme_id: object

    def on(self, day: date) -> Quarter1:
        self.calendar.day = day
        return self

    def caught_up(self) -> Views:
        return self.views.caught_up(self.app)

    def queue(self, actor: object) -> dict[str, list[str]]:
        queue = work_queue(self.caught_up().progress, actor)  # type: ignore[arg-type]
        return {s.key: [f"{i.what}|{i.note or ''}" for i in s.items] for s in queue.sections}


@pytest.fixture
def quarter(app: Corral, settings: Settings) -> Iterator[Quarter1]:
    """The acute trust leads a scheme the community trust joins; one Q1 milestone due 31 July 2014."""
    calendar = Calendar(date(2014, 7, 1))
    app.clock = calendar
    with views_of(settings) as views:
        for projection in views.projections:
            projection.view.reading_clock = calendar
        agreed = agreed_scheme(app, M1)
        yield Quarter1(app, views, calendar, agreed.scheme_id)


def owed(quarter: Quarter1) -> list[tuple[str, str | None]]:
    rows = load_progress(quarter.caught_up().progress, scheme_id=str(quarter.scheme_id), provider_id=str(COMMUNITY_ID))
    return [(r.status, r.due_note) for r in rows]


def test_missing_evidence_reads_due_soon_then_due_today_then_overdue(quarter: Quarter1) -> None:
    assert owed(quarter.on(date(2014, 7, 1))) == [("awaiting evidence", "due in 30 days")]
    assert owed(quarter.on(date(2014, 7, 30))) == [("awaiting evidence", "due tomorrow")]
    assert owed(quarter.on(DUE)) == [("awaiting evidence", "due today")]
    assert owed(quarter.on(DUE + timedelta(days=3))) == [("overdue", "3 days overdue")]


def test_evidence_sent_after_its_due_date_is_accepted_and_shown_as_late(quarter: Quarter1) -> None:
    quarter.on(DUE + timedelta(days=2)).app.submit_evidence(COMMUNITY, quarter.scheme_id, "M1", narrative())
    quarter.app.submit_evidence(ACUTE, quarter.scheme_id, "M1", narrative())  # the lead's own, on the same day

    rows = load_progress(quarter.caught_up().progress, scheme_id=str(quarter.scheme_id))
    assert [(r.status, r.late, r.due_note) for r in rows] == [("submitted", True, None), ("submitted", True, None)]


def test_a_providers_queue_shows_what_is_due_soon_then_overdue_and_what_was_returned(quarter: Quarter1) -> None:
    assert quarter.on(date(2014, 7, 25)).queue(COMMUNITY)["due_soon"] == ["M1: Milestone M1|due in 6 days"]
    assert quarter.on(date(2014, 8, 2)).queue(COMMUNITY)["overdue"] == ["M1: Milestone M1|2 days overdue"]

    submission_id = quarter.app.submit_evidence(COMMUNITY, quarter.scheme_id, "M1", narrative()).id
    quarter.app.return_evidence(ACUTE, submission_id, "Attach the June audit")

    queue = quarter.queue(COMMUNITY)
    assert queue["returned"] == ["M1: Milestone M1: Attach the June audit|"]
    assert queue["overdue"] == ["M1: Milestone M1|2 days overdue"]  # returned evidence is still owed


def test_a_nudge_waits_in_the_providers_queue_until_its_evidence_is_sent(quarter: Quarter1) -> None:
    quarter.app.nudge_provider(ACUTE, quarter.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your audit is due on 31 July")

    [nudge] = quarter.queue(COMMUNITY)["nudged"]
    assert nudge.startswith("Torbay Acute Trust: Your audit is due on 31 July|nudged ")

    quarter.app.submit_evidence(COMMUNITY, quarter.scheme_id, "M1", narrative())
    assert quarter.queue(COMMUNITY)["nudged"] == []


def test_the_leads_queue_shows_a_new_submission_until_it_is_accepted_and_who_is_missing(quarter: Quarter1) -> None:
    submission_id = quarter.app.submit_evidence(COMMUNITY, quarter.scheme_id, "M1", narrative()).id

    queue = quarter.queue(ACUTE)
    assert queue["waiting_for_decision"] == ["Devon Community Care Trust: M1: Milestone M1|revision 1"]
    assert queue["missing"] == ["1 missing: Torbay Acute Trust|"]
    assert queue["pack_due"] == ["Present the pack|due in 44 days"]

    quarter.app.accept_evidence(ACUTE, submission_id)
    assert quarter.queue(ACUTE)["waiting_for_decision"] == []
    assert "waiting_for_decision" not in quarter.queue(COMMUNITY)  # a participant that does not lead has no such queue


def test_the_commissioners_queue_follows_the_pack_from_presented_to_ready_to_close(quarter: Quarter1) -> None:
    for provider in (ACUTE, COMMUNITY):
        submission_id = quarter.app.submit_evidence(provider, quarter.scheme_id, "M1", narrative()).id
        quarter.app.accept_evidence(ACUTE, submission_id)
    quarter.app.present_pack(ACUTE, quarter.scheme_id, Quarter.Q1)

    assert quarter.queue(COMMISSIONER)["to_assess"] == ["2 to assess|"]

    for provider in (ACUTE, COMMUNITY):
        quarter.app.assess_milestone(
            COMMISSIONER, quarter.scheme_id, Quarter.Q1, provider.organisation_id, "M1", AssessmentStatus.MET, "Done"
        )
    queue = quarter.queue(COMMISSIONER)
    assert (queue["to_assess"], queue["ready_to_close"]) == ([], ["Every milestone assessed: close the quarter|"])

    quarter.app.close_quarter(COMMISSIONER, quarter.scheme_id, Quarter.Q1)
    assert quarter.queue(COMMISSIONER)["ready_to_close"] == []


def test_after_the_pack_deadline_the_commissioner_calls_in_what_the_lead_left_waiting_and_assesses_it(
    quarter: Quarter1,
) -> None:
    app, scheme_id = quarter.app, quarter.scheme_id
    waiting = app.submit_evidence(COMMUNITY, scheme_id, "M1", narrative()).id
    with pytest.raises(PackNotOverdueError):
        quarter.on(PACK_DUE).app.call_in_evidence(COMMISSIONER, scheme_id, Quarter.Q1, waiting, "Lead silent")

    quarter.on(PACK_DUE + timedelta(days=1))
    assert quarter.queue(COMMISSIONER)["packs_overdue"] == [
        "Pack overdue; 1 submission waiting with the lead|1 day overdue"
    ]
    app.call_in_evidence(COMMISSIONER, scheme_id, Quarter.Q1, waiting, "The lead has not replied since August")
    app.assess_milestone(COMMISSIONER, scheme_id, Quarter.Q1, COMMUNITY_ID, "M1", AssessmentStatus.MET, "Audit done")

    assert app.submission(waiting).status is SubmissionStatus.CALLED_IN
    assert app.quarter_review(scheme_id, Quarter.Q1).assessment(COMMUNITY_ID, "M1").evidence_assessed is not None
    assert event_names(app, waiting)[-1] == "EvidenceCalledIn"
    audit = next(p.view for p in quarter.caught_up().projections if isinstance(p.view, AuditView))
    descriptions = [e.description for e in audit_trail(audit, scheme_id=scheme_id).entries]
    assert any("called in Devon Community Care Trust's Q1 milestone M1" in d for d in descriptions)


def test_corral_reminds_a_provider_a_week_before_and_again_once_overdue_each_time_once(quarter: Quarter1) -> None:
    sweep = ReminderSweep(quarter.app, quarter.caught_up().progress)

    assert quarter.on(date(2014, 7, 20)).caught_up() and sweep.sweep() == 0  # more than a week to go
    assert quarter.on(date(2014, 7, 25)).caught_up() and sweep.sweep() == 2  # both providers owe it
    assert quarter.caught_up() and sweep.sweep() == 0  # each is reminded once
    quarter.app.submit_evidence(ACUTE, quarter.scheme_id, "M1", narrative())
    assert quarter.on(date(2014, 8, 1)).caught_up() and sweep.sweep() == 1  # overdue: only the one still owing
    assert quarter.on(date(2014, 8, 20)).caught_up() and sweep.sweep() == 0  # long overdue: no more noise


def test_a_reminder_and_a_call_in_reach_the_inboxes_of_those_who_must_act(quarter: Quarter1) -> None:
    app, scheme_id = quarter.app, quarter.scheme_id
    for actor in (ACUTE, COMMUNITY):
        app.register_user(OPERATOR, actor.user_id, actor.organisation_id, actor.role, "argon2-hash")
    quarter.on(date(2014, 7, 27))
    ReminderSweep(app, quarter.caught_up().progress).sweep()
    waiting = app.submit_evidence(COMMUNITY, scheme_id, "M1", narrative()).id
    quarter.on(PACK_DUE + timedelta(days=1)).app.call_in_evidence(
        COMMISSIONER, scheme_id, Quarter.Q1, waiting, "The lead has not replied since August"
    )

    def told(actor: Actor) -> list[tuple[str, str]]:
        view = next(p.view for p in quarter.caught_up().projections if isinstance(p.view, NotificationsView))
        return [(n.kind, n.subject) for n in reversed(inbox(view, actor.user_id).notices)]

    assert (
        "reminder",
        "Reminder: your Q1 evidence for M1 is due on 31 July 2014: Reduce self-harm and suicide",
    ) in told(COMMUNITY)
    called_in = "South Devon and Torbay CCG called in Q1 evidence for M1: Reduce self-harm and suicide"
    assert ("called in", called_in) in told(COMMUNITY)
    assert ("called in", called_in) in told(ACUTE)  # the lead hears its silence was passed over
