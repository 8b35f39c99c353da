"""Tables read straight from the aggregates, for the CLI until the projections issue lands."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain import ids
from domain.application import Corral
from domain.milestones import Quarter
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme

AWAITING = "awaiting evidence"


@dataclass(frozen=True)
class QuarterRow:
    """One scheme's statuses for one provider, quarter by quarter."""

    title: str
    statuses: dict[Quarter, str]


@dataclass(frozen=True)
class MatrixRow:
    """One scheme's statuses for one quarter, provider by provider."""

    title: str
    cells: dict[UUID, str]


def milestone_status(app: Corral, scheme: Scheme, review: QuarterReview | None, provider_id: UUID, code: str) -> str:
    """The assessment if there is one, else the submission's state, else awaiting evidence."""
    assessment = review.find_assessment(provider_id, code) if review is not None else None
    if assessment is not None:
        return assessment.status.value
    submission_id = ids.submission_id(scheme.id, code, provider_id)
    return app.submission(submission_id).status.value if app.exists(submission_id) else AWAITING


def provider_quarter_table(app: Corral, programme_id: UUID, provider_id: UUID) -> list[QuarterRow]:
    """Each scheme the provider is in, with its milestones' statuses per quarter (seed 000's shape)."""
    rows = []
    for scheme_id in app.programme(programme_id).scheme_ids:
        scheme = app.scheme(scheme_id)
        if provider_id not in scheme.terms.provider_ids:
            continue
        statuses = {}
        for quarter in Quarter:
            review = _review(app, scheme_id, quarter)
            mine = [m for m in scheme.terms.milestones if m.quarter is quarter and m.applies_to(provider_id)]
            statuses[quarter] = " / ".join(milestone_status(app, scheme, review, provider_id, m.code) for m in mine)
        rows.append(QuarterRow(scheme.terms.title, statuses))
    return rows


def progress_matrix(app: Corral, programme_id: UUID, quarter: Quarter) -> tuple[list[UUID], list[MatrixRow]]:
    """Scheme x provider statuses for one quarter, with the providers in name order."""
    programme = app.programme(programme_id)
    providers = sorted(programme.provider_ids, key=lambda p: app.organisation(p).name)
    rows = []
    for scheme_id in programme.scheme_ids:
        scheme = app.scheme(scheme_id)
        review = _review(app, scheme_id, quarter)
        cells: dict[UUID, list[str]] = {}
        for provider_id, milestone in scheme.terms.expected(quarter):
            cells.setdefault(provider_id, []).append(milestone_status(app, scheme, review, provider_id, milestone.code))
        rows.append(MatrixRow(scheme.terms.title, {p: " / ".join(cells.get(p, ["—"])) for p in providers}))
    return providers, rows


def _review(app: Corral, scheme_id: UUID, quarter: Quarter) -> QuarterReview | None:
    review_id = ids.quarter_review_id(scheme_id, quarter)
    return app.quarter_review(scheme_id, quarter) if app.exists(review_id) else None
