"""What every family of use cases reads: each aggregate by id, a scheme's lead, and its quarter's review."""

from __future__ import annotations

from uuid import UUID

from domain import ids
from domain.actors import Actor
from domain.errors import StaleVersionError
from domain.milestones import Quarter
from domain.organisation import Organisation
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.service import EventSourcedService, require_version
from domain.submission import Submission


class ReadService(EventSourcedService):
    """Corral's aggregates by id, optionally as they were at a version."""

    def organisation(self, organisation_id: UUID) -> Organisation:
        """An organisation, or NotFoundError."""
        return self._get(Organisation, organisation_id)

    def programme(self, programme_id: UUID, version: int | None = None) -> Programme:
        """A programme, optionally as it was at a version."""
        return self._get(Programme, programme_id, version)

    def programme_to_read(self, programme_id: UUID) -> Programme:
        """A programme as the cache holds it, to read only (no copy is made), or NotFoundError."""
        return self._read(Programme, programme_id)

    def scheme_to_read(self, scheme_id: UUID) -> Scheme:
        """A scheme as the cache holds it, to read only (no copy is made), or NotFoundError."""
        return self._read(Scheme, scheme_id)

    def scheme(self, scheme_id: UUID, version: int | None = None) -> Scheme:
        """A scheme, optionally as it was at a version."""
        return self._get(Scheme, scheme_id, version)

    def submission(self, submission_id: UUID, version: int | None = None) -> Submission:
        """A submission, optionally as it was at a version."""
        return self._get(Submission, submission_id, version)

    def quarter_review(self, scheme_id: UUID, quarter: Quarter, expected_version: int | None = None) -> QuarterReview:
        """A scheme-quarter's review, or NotFoundError if nothing has happened in it yet."""
        return self._get(QuarterReview, ids.quarter_review_id(scheme_id, quarter), expected_version=expected_version)

    def _review(self, scheme_id: UUID, quarter: Quarter, expected_version: int | None = None) -> QuarterReview:
        """A scheme-quarter's review, to change, or NotFoundError if nothing has happened in it yet."""
        return self._get(QuarterReview, ids.quarter_review_id(scheme_id, quarter), expected_version=expected_version)

    def exists(self, aggregate_id: UUID) -> bool:
        """True when an aggregate with this id has been recorded."""
        return aggregate_id in self.repository

    def _lead_of(self, actor: Actor, scheme: Scheme) -> UUID:
        return self._read(Programme, scheme.programme_id).require_lead(actor, scheme.id)

    def _open_review(
        self, actor: Actor, scheme: Scheme, quarter: Quarter, expected_version: int | None = None
    ) -> QuarterReview:
        """The scheme-quarter's review, opened by this actor if nothing has happened in it yet."""
        review = self._find(QuarterReview, ids.quarter_review_id(scheme.id, quarter))
        if review is None:
            programme = self._read(Programme, scheme.programme_id)
            review = QuarterReview.open(
                actor, programme.id, programme.commissioner_id, programme.lead_of(scheme.id), scheme.id, quarter
            )
            if expected_version not in (None, 0):
                raise StaleVersionError(
                    f"the quarter review is at version 0, not {expected_version}: reload it and try again"
                )
            return review
        require_version(review, expected_version)
        return review
