"""Facts more than one view keeps to word or address what it writes: whose each submission is, and each review's
scheme-quarter. Each view keeps its own copy (views are rebuilt apart); the tables and rows are defined once here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, String, Table

from domain.quarter_review import QuarterReview
from domain.submission import Submission
from projections.database import BoundedText
from projections.view import View

ID = String(36)  # a UUID as text


def submissions_table(view: View) -> Table:
    """Whose each submission is, for which scheme, milestone and quarter."""
    return view.table(
        "submissions",
        Column("id", ID, primary_key=True),
        Column("scheme_id", ID, nullable=False),
        Column("provider_id", ID, nullable=False),
        Column("milestone_code", BoundedText(64), nullable=False),
        Column("quarter", String(2), nullable=False),
    )


def reviews_table(view: View) -> Table:
    """Each review's scheme and quarter."""
    return view.table(
        "reviews",
        Column("id", ID, primary_key=True),
        Column("scheme_id", ID, nullable=False),
        Column("quarter", String(2), nullable=False),
    )


def submission_row(e: Submission.EvidenceSubmitted) -> dict[str, Any]:
    """A submission's row, from its first event."""
    return {
        "id": str(e.originator_id),
        "scheme_id": str(e.scheme_id),
        "provider_id": str(e.provider_id),
        "milestone_code": e.milestone_code,
        "quarter": e.quarter.value,
    }


def review_row(e: QuarterReview.Opened) -> dict[str, Any]:
    """A review's row, from its first event."""
    return {"id": str(e.originator_id), "scheme_id": str(e.scheme_id), "quarter": e.quarter.value}
