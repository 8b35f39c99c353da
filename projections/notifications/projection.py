"""Keep every organisation's inbox: each event's notices (notices.py), the facts they are worded from, and each
user's reads and email choice."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from sqlalchemy import select

from domain.notifications import EmailChoice
from domain.organisation import Organisation
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.submission import Submission
from domain.user_account import UserAccount
from projections.facts import review_row, submission_row
from projections.notifications.known import MISSING, ViewKnows
from projections.notifications.letters import Item, notice_letter
from projections.notifications.notices import NOTICERS, Notice, notices
from projections.notifications.outbox import outbox_row
from projections.notifications.view import NotificationsView
from projections.projection import ViewProjection


class NotificationsProjection(ViewProjection[NotificationsView]):
    """Every event's notices become rows of their recipients' inboxes; the events below also teach the view names."""

    def __init__(self, view: NotificationsView) -> None:
        super().__init__(view)
        self.known = ViewKnows(view)

    @classmethod
    def default_acts_on(cls) -> tuple[type, ...]:
        """The events that raise notices."""
        return NOTICERS.classes

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Record the notices the event raises, if any."""
        self._notify(domain_event, tracking)

    @process_event.register
    def _(self, e: Organisation.Registered, tracking: Tracking) -> None:
        key = ("organisation", e.originator_id)
        self.known.add(key, self.view.organisations, {"id": str(e.originator_id), "name": e.name}, e.name)

    @process_event.register
    def _(self, e: Organisation.Renamed, tracking: Tracking) -> None:
        self.known.renamed(e.originator_id, e.name)

    @process_event.register
    def _(self, e: Scheme.Drafted, tracking: Tracking) -> None:
        row = {"id": str(e.originator_id), "title": e.terms.title, "commissioner_id": str(e.commissioner_id)}
        self.known.add(("scheme", e.originator_id), self.view.schemes, row, e.terms.title, row["commissioner_id"], None)
        self.known.replace_milestones(e.originator_id, {m.code: m.title for m in e.terms.milestones})

    @process_event.register(Scheme.DraftAmended)
    @process_event.register(Scheme.VariationProposed)
    def _(self, e: Scheme.DraftAmended | Scheme.VariationProposed, tracking: Tracking) -> None:
        self.known.retitled(e.originator_id, e.terms.title)
        self.known.replace_milestones(e.originator_id, {m.code: m.title for m in e.terms.milestones})

    @process_event.register(Programme.LeadProviderDesignated)
    @process_event.register(Programme.LeadProviderRedesignated)
    def _(self, e: Programme.LeadProviderDesignated | Programme.LeadProviderRedesignated, tracking: Tracking) -> None:
        self.known.led(e.scheme_id, e.provider_id)

    @process_event.register
    def _(self, e: Submission.EvidenceSubmitted, tracking: Tracking) -> None:
        row = submission_row(e)
        remembered = (row["scheme_id"], row["provider_id"], e.milestone_code, row["quarter"])
        self.known.add(("submission", e.originator_id), self.view.submissions, row, *remembered)
        self._notify(e, tracking)

    @process_event.register
    def _(self, e: QuarterReview.Opened, tracking: Tracking) -> None:
        row = review_row(e)
        self.known.add(("review", e.originator_id), self.view.reviews, row, row["scheme_id"], row["quarter"])

    @process_event.register
    def _(self, e: UserAccount.Registered, tracking: Tracking) -> None:
        # A new member of an organisation finds everything sent to it before unread too: it is their inbox now.
        row = {
            "username": e.username,
            "account_id": str(e.originator_id),
            "organisation_id": str(e.organisation_id),
            "read_up_to": 0,
            "email": e.email,
            "email_choice": "immediate",
            "disabled": False,
        }
        self.view.stage(self.view.readers, row)
        self.view.remember(("organisation of", e.originator_id), row["organisation_id"])
        self.view.remember(("readers", e.organisation_id), MISSING)

    @process_event.register
    def _(self, e: UserAccount.DetailsChanged, tracking: Tracking) -> None:
        self.known.change_reader(e.originator_id, email=e.email)

    @process_event.register
    def _(self, e: UserAccount.Disabled, tracking: Tracking) -> None:
        self.known.change_reader(e.originator_id, disabled=True)

    @process_event.register
    def _(self, e: UserAccount.Enabled, tracking: Tracking) -> None:
        self.known.change_reader(e.originator_id, disabled=False)

    @process_event.register
    def _(self, e: UserAccount.EmailChoiceMade, tracking: Tracking) -> None:
        self.known.change_reader(e.originator_id, email_choice=e.choice)

    @process_event.register
    def _(self, e: UserAccount.NotificationsRead, tracking: Tracking) -> None:
        username = e.actor.user_id  # only the user marks their own notices read
        if e.up_to:
            t = self.view.readers
            before = self.view.reader.execute(select(t.c.read_up_to).where(t.c.username == username)).scalar()
            if before is not None and e.up_to > before:
                self.view.stage_update(t, {"username": username}, read_up_to=e.up_to)
        self.view.stage_new(self.view.reads, [_read(username, notice) for notice in e.notices])

    def _notify(self, e: Any, tracking: Tracking) -> None:
        for n, notice in enumerate(notices(e, self.known)):
            told = {"subject": notice.subject, "text": notice.text, "link": notice.link, "occurred_at": e.timestamp}
            key = {"position": tracking.notification_id, "n": n}
            recipient = {"organisation_id": str(notice.organisation_id), "kind": notice.kind}
            self.view.stage(self.view.notices, key | recipient | told)
            if self.view.sends_mail:
                self._mail(key, notice, told)

    def _mail(self, key: dict[str, int], notice: Notice, told: dict[str, Any]) -> None:
        """In the notice's transaction: an outbox row for each member of its organisation with an address who chose
        email at once, a digest row for each who chose a daily one; none for anyone else, or disabled."""
        readers = self.known.readers(notice.organisation_id)
        item = Item(notice.subject, notice.text, notice.link, told["occurred_at"])
        letters, digests = [], []
        for reader in readers:
            if reader.email_choice == EmailChoice.IMMEDIATE.value:
                letter = notice_letter(self.view.public_url, key["position"], key["n"], reader.username, item)
                letters.append(outbox_row(letter, key["position"], reader.username, reader.email, item.occurred_at))
            elif reader.email_choice == EmailChoice.DAILY.value:
                digests.append(key | told | {"username": reader.username, "to_address": reader.email})
        self.view.stage_new(self.view.outbox, letters)
        self.view.stage_new(self.view.digest, digests)


def _read(username: str, notice: str) -> dict[str, Any]:
    position, _, n = notice.partition(".")
    return {"username": username, "position": int(position), "n": int(n)}
