"""Small reads the pages share: the quarters, and a quarter's review with the version a change to it expects."""

from __future__ import annotations

from uuid import UUID

from domain import ids
from domain.application import Corral
from domain.milestones import Quarter
from domain.quarter_review import QuarterReview

QUARTERS = [q.value for q in Quarter]


def quarter_review(corral: Corral, scheme_id: UUID, quarter: Quarter) -> QuarterReview | None:
    """The scheme-quarter's review, or None while nothing has happened in the quarter."""
    review_id = ids.quarter_review_id(scheme_id, quarter)
    return corral.quarter_review(scheme_id, quarter) if corral.exists(review_id) else None


def review_version(review: QuarterReview | None) -> int:
    """The version a change to the quarter's review expects: 0 before the review exists."""
    return review.version if review is not None else 0
