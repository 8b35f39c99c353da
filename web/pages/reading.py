"""Small reads the pages share: a programme's heading, a scheme's row and a quarter's review."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select

from api.http.access import ProgrammeAccess, programme_access
from api.http.deps import ProgressReadings
from domain import ids
from domain.actors import Actor
from domain.application import Corral
from domain.errors import NotFoundError
from domain.milestones import Quarter
from domain.quarter_review import QuarterReview
from projections.progress.reading import fetch

QUARTERS = [q.value for q in Quarter]


@dataclass(frozen=True)
class ProgrammeHeading:
    """What a page says about the programme it belongs to."""

    id: str
    health_economy: str
    contract_year: int
    access: ProgrammeAccess


def programme_heading(readings: ProgressReadings, actor: Actor, programme_id: UUID | str) -> ProgrammeHeading:
    """The programme, if the actor may see it; NotFoundError otherwise."""
    access = programme_access(readings, actor, str(programme_id))
    g = readings.programmes
    row = fetch(readings, select(g.c.health_economy, g.c.contract_year).where(g.c.id == str(programme_id)))[0]
    return ProgrammeHeading(str(programme_id), row.health_economy, row.contract_year, access)


def scheme_row(readings: ProgressReadings, scheme_id: UUID | str) -> tuple[str, str, str | None]:
    """(programme id, title, lead id) of a scheme; NotFoundError if there is none."""
    s = readings.schemes
    rows = fetch(readings, select(s.c.programme_id, s.c.title, s.c.lead_id).where(s.c.id == str(scheme_id)))
    if not rows:
        raise NotFoundError(f"no scheme {scheme_id}")
    return rows[0].programme_id, rows[0].title, rows[0].lead_id


def quarter_review(corral: Corral, scheme_id: UUID, quarter: Quarter) -> QuarterReview | None:
    """The scheme-quarter's review, or None while nothing has happened in the quarter."""
    review_id = ids.quarter_review_id(scheme_id, quarter)
    return corral.quarter_review(scheme_id, quarter) if corral.exists(review_id) else None


def review_version(review: QuarterReview | None) -> int:
    """The version a change to the quarter's review expects: 0 before the review exists."""
    return review.version if review is not None else 0
