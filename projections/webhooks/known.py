"""The facts `payloads` asks for and the endpoints each organisation has, as the view's tables hold them, read through
the view's batch-safe memory (see View.remember) with statements built once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import BindParameter, bindparam, select

from projections.database import as_stored
from projections.notifications.notices import SubmissionFacts
from projections.webhooks.payloads import Parties
from projections.webhooks.view import WebhooksView

MISSING = object()


class ViewFacts:
    """What `payloads` reads (`Facts`), and who listens; a handler that changes a fact forgets it (`forget`)."""

    def __init__(self, view: WebhooksView) -> None:
        self.view = view
        o, p, s, pa, sub, r, e = (
            view.organisations,
            view.programmes,
            view.schemes,
            view.participants,
            view.submissions,
            view.reviews,
            view.endpoints,
        )
        by_id: BindParameter[str] = bindparam("id")
        self._organisation = select(o.c.name).where(o.c.id == by_id)
        self._scheme = select(s.c.title, s.c.commissioner_id, s.c.lead_id, s.c.agreed_version).where(s.c.id == by_id)
        self._participants = select(pa.c.provider_id).where(
            pa.c.scheme_id == by_id, pa.c.terms_version == bindparam("version")
        )
        columns = (sub.c.scheme_id, sub.c.provider_id, sub.c.milestone_code, sub.c.quarter)
        self._submission = select(*columns).where(sub.c.id == by_id)
        self._review = select(r.c.scheme_id, r.c.quarter).where(r.c.id == by_id)
        self._commissioner = select(p.c.commissioner_id).where(p.c.id == by_id)
        self._endpoints = (
            select(e.c.id, e.c.organisation_id, e.c.kinds)
            .where(e.c.organisation_id == by_id, e.c.enabled.is_(True))
            .order_by(e.c.id)
        )
        self._owner = select(e.c.organisation_id).where(e.c.id == by_id)

    def organisation(self, organisation_id: UUID) -> str:
        """The organisation's name as it stands ('' if it was never registered)."""
        name = self._remembered(
            ("organisation", organisation_id), lambda: self._scalar(self._organisation, organisation_id)
        )
        return name if name is not None else ""

    def scheme(self, scheme_id: UUID) -> Parties:
        """The scheme's title, commissioner, lead and participants in its agreed terms."""
        return self._remembered(("scheme", scheme_id), lambda: self._parties(scheme_id))  # type: ignore[no-any-return]

    def submission(self, submission_id: UUID) -> SubmissionFacts:
        """Whose evidence the submission is, for which milestone and quarter."""

        def read() -> SubmissionFacts:
            row = self.view.reader.execute(self._submission, {"id": str(submission_id)}).one()
            return SubmissionFacts(
                submission_id, UUID(row.scheme_id), UUID(row.provider_id), row.milestone_code, row.quarter
            )

        return self._remembered(("submission", submission_id), read)  # type: ignore[no-any-return]

    def review(self, review_id: UUID) -> tuple[UUID, str]:
        """The scheme and quarter of a review."""

        def read() -> tuple[UUID, str]:
            row = self.view.reader.execute(self._review, {"id": str(review_id)}).one()
            return UUID(row.scheme_id), row.quarter

        return self._remembered(("review", review_id), read)  # type: ignore[no-any-return]

    def commissioner_of(self, programme_id: UUID) -> UUID:
        """The programme's commissioner."""

        def read() -> UUID:
            return UUID(self.view.reader.execute(self._commissioner, {"id": str(programme_id)}).one().commissioner_id)

        return self._remembered(("programme", programme_id), read)  # type: ignore[no-any-return]

    def endpoints(self, organisation_id: str) -> tuple[Any, ...]:
        """(id, organisation id, kinds) of each enabled endpoint of the organisation, by id."""
        key = ("endpoints", organisation_id)
        return tuple(
            self._remembered(key, lambda: tuple(self.view.reader.execute(self._endpoints, {"id": organisation_id})))
        )

    def learn_submission(self, submission_id: UUID, row: dict[str, Any]) -> None:
        """A new submission's facts, as its staged row will hold them."""
        t = self.view.submissions
        facts = SubmissionFacts(
            submission_id,
            UUID(row["scheme_id"]),
            UUID(row["provider_id"]),
            as_stored(t.c.milestone_code, row["milestone_code"]),
            as_stored(t.c.quarter, row["quarter"]),
        )
        self.view.remember(("submission", submission_id), facts)

    def learn_review(self, review_id: UUID, row: dict[str, Any]) -> None:
        """A new review's scheme and quarter, as its staged row will hold them."""
        quarter = as_stored(self.view.reviews.c.quarter, row["quarter"])
        self.view.remember(("review", review_id), (UUID(row["scheme_id"]), quarter))

    def forget(self, *keys: Any) -> None:
        """Facts that changed: each is read afresh when next asked for."""
        for key in keys:
            self.view.remember(key, MISSING)

    def forget_endpoints_of(self, endpoint_id: UUID) -> None:
        """An endpoint was enabled or disabled: its organisation's endpoints are read afresh."""
        owner = self._scalar(self._owner, endpoint_id)
        if owner is not None:
            self.forget(("endpoints", owner))

    def _parties(self, scheme_id: UUID) -> Parties:
        row = self.view.reader.execute(self._scheme, {"id": str(scheme_id)}).one()
        providers = self.view.reader.execute(
            self._participants, {"id": str(scheme_id), "version": row.agreed_version}
        ).scalars()
        lead = None if row.lead_id is None else UUID(row.lead_id)
        return Parties(scheme_id, row.title, UUID(row.commissioner_id), lead, frozenset(UUID(p) for p in providers))

    def _scalar(self, statement: Any, key: UUID) -> Any:
        return self.view.reader.execute(statement, {"id": str(key)}).scalar()

    def _remembered(self, key: tuple[Any, ...], read: Any) -> Any:
        found = self.view.recall(key, MISSING)
        if found is MISSING:
            found = read()
            self.view.remember(key, found)
        return found
