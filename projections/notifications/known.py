"""What the inbox knows from earlier events, read through the view's batch-safe memory (see View.remember)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import Table, bindparam, delete, select

from projections.notifications.notices import ReviewFacts, SchemeFacts, SubmissionFacts
from projections.notifications.view import NotificationsView

MISSING = object()


class ViewKnows:
    """Names, titles, leads and whose submission is whose, as the inbox's tables hold them (`Known`), and who reads
    each organisation's inbox; each read built once, as a statement with parameters."""

    def __init__(self, view: NotificationsView) -> None:
        self.view = view
        o, s, m, sub, r, rd = (
            view.organisations,
            view.schemes,
            view.milestones,
            view.submissions,
            view.reviews,
            view.readers,
        )
        self._organisation = select(o.c.name).where(o.c.id == bindparam("id"))
        self._scheme = select(s.c.title, s.c.commissioner_id, s.c.lead_id).where(s.c.id == bindparam("id"))
        self._milestone = select(m.c.title).where(m.c.scheme_id == bindparam("id"), m.c.code == bindparam("code"))
        columns = (sub.c.scheme_id, sub.c.provider_id, sub.c.milestone_code, sub.c.quarter)
        self._submission = select(*columns).where(sub.c.id == bindparam("id"))
        self._review = select(r.c.scheme_id, r.c.quarter).where(r.c.id == bindparam("id"))
        self._readers = (
            select(rd.c.username, rd.c.email, rd.c.email_choice)
            .where(rd.c.organisation_id == bindparam("id"), rd.c.email != "", rd.c.disabled.is_(False))
            .order_by(rd.c.username)
        )
        self._organisation_of = select(rd.c.organisation_id).where(rd.c.account_id == bindparam("id"))

    def organisation(self, organisation_id: UUID) -> str:
        """The organisation's name, or a plain stand-in if it was never registered."""
        name: str | None = self._fact(("organisation", organisation_id), self._organisation, id=str(organisation_id))
        return name if name is not None else "an organisation"

    def scheme(self, scheme_id: UUID) -> SchemeFacts:
        """The scheme's title, commissioner and lead."""
        title, commissioner_id, lead_id = self._fact(("scheme", scheme_id), self._scheme, id=str(scheme_id))
        return SchemeFacts(scheme_id, title, UUID(commissioner_id), None if lead_id is None else UUID(lead_id))

    def milestone(self, scheme_id: UUID, code: str) -> str:
        """The milestone's title in the scheme's latest terms ('' if it has none there)."""
        title: str | None = self._fact(("milestone", scheme_id, code), self._milestone, id=str(scheme_id), code=code)
        return title or ""

    def submission(self, submission_id: UUID) -> SubmissionFacts:
        """Whose evidence the submission is, for which milestone and quarter."""
        key = ("submission", submission_id)
        scheme_id, provider_id, code, quarter = self._fact(key, self._submission, id=str(submission_id))
        return SubmissionFacts(submission_id, UUID(scheme_id), UUID(provider_id), code, quarter)

    def review(self, review_id: UUID) -> ReviewFacts:
        """The scheme and quarter of a review."""
        scheme_id, quarter = self._fact(("review", review_id), self._review, id=str(review_id))
        return ReviewFacts(UUID(scheme_id), quarter)

    def readers(self, organisation_id: UUID) -> tuple[Any, ...]:
        """(username, email, email choice) of each enabled member of the organisation with an address, by username."""
        key = ("readers", organisation_id)
        found = self.view.recall(key, MISSING)
        if found is MISSING:
            found = tuple(self.view.reader.execute(self._readers, {"id": str(organisation_id)}).all())
            self.view.remember(key, found)
        return tuple(found)

    # Learning (each stages its row and remembers what a later event will ask)

    def add(self, key: tuple[Any, ...], table: Table, row: dict[str, Any], *remembered: Any) -> None:
        """A new fact: its row staged, and what `key` answers remembered."""
        self.view.stage(table, row)
        self.view.remember(key, remembered if len(remembered) > 1 else remembered[0])

    def renamed(self, organisation_id: UUID, name: str) -> None:
        """The organisation's new name."""
        where = {"id": str(organisation_id)}
        self._change(("organisation", organisation_id), self.view.organisations, where, lambda _: name, name=name)

    def retitled(self, scheme_id: UUID, title: str) -> None:
        """The scheme's title in its latest terms."""
        where = {"id": str(scheme_id)}
        self._change(("scheme", scheme_id), self.view.schemes, where, lambda known: (title, *known[1:]), title=title)

    def led(self, scheme_id: UUID, lead_id: UUID) -> None:
        """The scheme's lead provider, designated anew."""
        lead, where = str(lead_id), {"id": str(scheme_id)}
        self._change(("scheme", scheme_id), self.view.schemes, where, lambda known: (*known[:2], lead), lead_id=lead)

    def change_reader(self, account_id: UUID, **values: Any) -> None:
        """A member's address, choice or standing changed: their organisation's readers are read afresh."""
        key = ("organisation of", account_id)
        organisation = self.view.recall(key, MISSING)
        if organisation is MISSING:
            organisation = self.view.reader.execute(self._organisation_of, {"id": str(account_id)}).scalar()
            self.view.remember(key, organisation)
        self.view.stage_update(self.view.readers, {"account_id": str(account_id)}, **values)
        if organisation is not None:
            self.view.remember(("readers", UUID(organisation)), MISSING)

    def replace_milestones(self, scheme_id: UUID, titles: dict[str, str]) -> None:
        """The scheme's milestones as its latest terms name them: a code the terms no longer name has no title."""
        t = self.view.milestones
        named = select(t.c.code).where(t.c.scheme_id == str(scheme_id))
        for (code,) in self.view.reader.execute(named):
            self.view.remember(("milestone", scheme_id, code), None)
        self.view.reader.execute(delete(t).where(t.c.scheme_id == str(scheme_id)))
        for code, title in titles.items():
            self.add(
                ("milestone", scheme_id, code), t, {"scheme_id": str(scheme_id), "code": code, "title": title}, title
            )

    def _change(
        self, key: tuple[Any, ...], table: Table, where: dict[str, Any], now: Callable[[Any], Any], **values: Any
    ) -> None:
        """A changed fact: its row updated, and what `key` answers made `now` of what it answered, when that is
        remembered; else the next ask reads the row afresh."""
        self.view.stage_update(table, where, **values)
        known = self.view.recall(key, MISSING)
        self.view.remember(key, MISSING if known is MISSING else now(known))

    def _fact(self, key: tuple[Any, ...], statement: Any, **parameters: Any) -> Any:
        found = self.view.recall(key, MISSING)
        if found is MISSING:
            row = self.view.reader.execute(statement, parameters).first()
            found = None if row is None else (tuple(row) if len(row) > 1 else row[0])
            self.view.remember(key, found)
        return found
