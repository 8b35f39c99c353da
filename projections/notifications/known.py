"""What the inbox knows from earlier events, read through the view's batch-safe memory (see View.remember)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Table, delete, select

from projections.notifications.notices import ReviewFacts, SchemeFacts, SubmissionFacts
from projections.notifications.view import NotificationsView

MISSING = object()


class ViewKnows:
    """Names, titles, leads and whose submission is whose, as the inbox's tables hold them (`Known`)."""

    def __init__(self, view: NotificationsView) -> None:
        self.view = view

    def organisation(self, organisation_id: UUID) -> str:
        """The organisation's name, or a plain stand-in if it was never registered."""
        t = self.view.organisations
        name: str | None = self._fact(("organisation", organisation_id), t, t.c.id == str(organisation_id), t.c.name)
        return name if name is not None else "an organisation"

    def scheme(self, scheme_id: UUID) -> SchemeFacts:
        """The scheme's title, commissioner and lead."""
        t = self.view.schemes
        row = self._fact(
            ("scheme", scheme_id), t, t.c.id == str(scheme_id), t.c.title, t.c.commissioner_id, t.c.lead_id
        )
        title, commissioner_id, lead_id = row
        return SchemeFacts(scheme_id, title, UUID(commissioner_id), None if lead_id is None else UUID(lead_id))

    def milestone(self, scheme_id: UUID, code: str) -> str:
        """The milestone's title in the scheme's latest terms ('' if it has none there)."""
        t = self.view.milestones
        where = (t.c.scheme_id == str(scheme_id)) & (t.c.code == code)
        title: str | None = self._fact(("milestone", scheme_id, code), t, where, t.c.title)
        return title or ""

    def submission(self, submission_id: UUID) -> SubmissionFacts:
        """Whose evidence the submission is, for which milestone and quarter."""
        t = self.view.submissions
        columns = (t.c.scheme_id, t.c.provider_id, t.c.milestone_code, t.c.quarter)
        scheme_id, provider_id, code, quarter = self._fact(
            ("submission", submission_id), t, t.c.id == str(submission_id), *columns
        )
        return SubmissionFacts(submission_id, UUID(scheme_id), UUID(provider_id), code, quarter)

    def review(self, review_id: UUID) -> ReviewFacts:
        """The scheme and quarter of a review."""
        t = self.view.reviews
        scheme_id, quarter = self._fact(("review", review_id), t, t.c.id == str(review_id), t.c.scheme_id, t.c.quarter)
        return ReviewFacts(UUID(scheme_id), quarter)

    # Learning (each stages its row and remembers what a later event will ask)

    def add(self, key: tuple[Any, ...], table: Table, row: dict[str, Any], *remembered: Any) -> None:
        """A new fact: its row staged, and what `key` answers remembered."""
        self.view.stage(table, row)
        self.view.remember(key, remembered if len(remembered) > 1 else remembered[0])

    def change(self, key: tuple[Any, ...], table: Table, where: dict[str, Any], **values: Any) -> None:
        """A changed fact: its row updated, and `key` forgotten so the next ask reads it afresh."""
        self.view.stage_update(table, where, **values)
        self.view.remember(key, MISSING)

    def replace_milestones(self, scheme_id: UUID, titles: dict[str, str]) -> None:
        """The scheme's milestones as its latest terms name them."""
        t = self.view.milestones
        self.view.reader.execute(delete(t).where(t.c.scheme_id == str(scheme_id)))
        for code, title in titles.items():
            self.add(
                ("milestone", scheme_id, code), t, {"scheme_id": str(scheme_id), "code": code, "title": title}, title
            )

    def _fact(self, key: tuple[Any, ...], table: Table, where: Any, *columns: Any) -> Any:
        found = self.view.recall(key, MISSING)
        if found is MISSING:
            row = self.view.reader.execute(select(*columns).where(where)).first()
            found = None if row is None else (tuple(row) if len(columns) > 1 else row[0])
            self.view.remember(key, found)
        return found
