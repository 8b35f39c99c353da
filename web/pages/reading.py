"""Small reads the pages share: the quarters, and a quarter's review with the version a change to it expects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from domain import ids
from domain.actors import Actor
from domain.application import Corral
from domain.errors import NotFoundError
from domain.milestones import Quarter
from domain.quarter_review import QuarterReview
from domain.account_rules import named
from projections.progress.queries import collation_board, programme_heading, scheme_row
from projections.progress.view import ProgressView

QUARTERS = [q.value for q in Quarter]


def quarter_review(corral: Corral, scheme_id: UUID, quarter: Quarter) -> QuarterReview | None:
    """The scheme-quarter's review, or None while nothing has happened in the quarter."""
    review_id = ids.quarter_review_id(scheme_id, quarter)
    return corral.quarter_review(scheme_id, quarter) if corral.exists(review_id) else None


def people(corral: Corral, usernames: Iterable[str]) -> dict[str, str]:
    """Each user as people read them, `Priya Shah (dpt.quality)`; one without an account (the operator) as named."""
    shown = {}
    for username in set(usernames):
        try:
            shown[username] = named(corral.user_account(username).display_name, username)
        except NotFoundError:
            shown[username] = username
    return shown


def review_version(review: QuarterReview | None) -> int:
    """The version a change to the quarter's review expects: 0 before the review exists."""
    return review.version if review is not None else 0


def scheme_quarter(
    readings: ProgressView, actor: Actor, scheme_id: UUID, quarter: Quarter, what: str
) -> dict[str, Any]:
    """What every page of a scheme's quarter shows: its heading, the quarters to move between, the collation board,
    and the live topic that keeps the page fresh."""
    programme_id, title, _ = scheme_row(readings, scheme_id)
    return {
        "title": f"{title}: {quarter.value} {what}",
        "programme": programme_heading(readings, actor, programme_id),
        "scheme_id": str(scheme_id),
        "scheme_title": title,
        "quarter": quarter.value,
        "quarters": QUARTERS,
        "board": collation_board(readings, str(scheme_id), quarter),
        "live_topics": [f"board:{scheme_id}:{quarter.value}"],
    }
