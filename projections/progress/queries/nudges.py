"""The nudges a provider has not yet answered: its scheme-quarters still open where the lead asked for evidence
that is still missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from domain.quarter_review import ReviewStatus
from projections.progress.queries.collation import IN_PACK
from projections.progress.queries.reading import MilestoneProgress, fetch, load_progress
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class OpenNudge:
    """A lead's reminder to one provider: who nudged, when, the message, and what is still missing."""

    programme_id: str
    scheme_id: str
    scheme_title: str
    quarter: str
    lead: str
    nudged_by: str
    nudged_at: datetime
    message: str
    missing: list[str]


def open_nudges(
    view: ProgressView,
    provider_id: str,
    scheme_id: str | None = None,
    quarter: str | None = None,
    progress: Sequence[MilestoneProgress] | None = None,
) -> list[OpenNudge]:
    """The provider's nudges, newest first, in quarters not closed where some of its evidence is still missing; given
    the provider's `progress` rows already read (of some programmes), only those programmes' nudges, judged by them."""
    n, s, r, o = view.nudges, view.schemes, view.reviews, view.organisations
    query = (
        select(n, s.c.title, s.c.programme_id, o.c.name.label("lead"))
        .join(s, s.c.id == n.c.scheme_id)
        .outerjoin(o, o.c.id == s.c.lead_id)
        .outerjoin(r, (r.c.scheme_id == n.c.scheme_id) & (r.c.quarter == n.c.quarter))
        .where(n.c.provider_id == provider_id, or_(r.c.status.is_(None), r.c.status != ReviewStatus.CLOSED.value))
        .order_by(n.c.position.desc())
    )
    if scheme_id is not None:
        query = query.where(n.c.scheme_id == scheme_id)
    if quarter is not None:
        query = query.where(n.c.quarter == quarter)
    rows = fetch(view, query)
    if not rows:
        return []
    missing: dict[tuple[str, str], list[str]] = {}
    for m in load_progress(view, provider_id=provider_id) if progress is None else progress:
        if m.state not in IN_PACK and m.assessment is None:
            missing.setdefault((m.scheme_id, m.quarter.value), []).append(m.code)
    return [
        OpenNudge(
            row.programme_id,
            row.scheme_id,
            row.title,
            row.quarter,
            row.lead or "The lead",
            row.nudged_by,
            row.nudged_at,
            row.message,
            missing[(row.scheme_id, row.quarter)],
        )
        for row in rows
        if missing.get((row.scheme_id, row.quarter))
    ]
