"""A provider's dashboard: its schemes, its milestones soonest first, its evidence, assessments and money."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.http.deps import CurrentActor, KeptProgress, ProgressReadings, ViewsAfter
from api.http.paging import Paged, Paging
from api.http.params import ContractYear
from api.http.money import Money
from api.http.reads import json_text
from api.http.routing import api_router
from projections.progress.queries import (
    joined_programmes,
    may_read_dashboard,
    open_nudges,
    programme_key,
    provider_dashboard,
)
from projections.progress.queries.nudges import OpenNudge
from projections.progress.queries.reading import MilestoneProgress
from projections.progress.view import ProgressView

router = api_router("/providers", tags=["boards"])


class DashboardOut(BaseModel):
    """One programme as one provider sees it on its dashboard."""

    programme_id: str
    health_economy: str
    contract_year: int
    commissioner_id: str
    schemes: list[tuple[str, str, bool]] = Field(description="each scheme joined: id, title, and whether you lead it")
    milestones: list[MilestoneProgress] = Field(description="your milestones, soonest due first")
    money: Money
    nudges: list[OpenNudge] = Field(description="the leads' reminders still open")


@router.get("/{provider_id}/dashboard", response_model=list[DashboardOut])
def read_dashboard(
    provider_id: UUID,
    actor: CurrentActor,
    readings: ProgressReadings,
    kept: KeptProgress,
    _: ViewsAfter,
    paging: Paged,
    year: ContractYear = None,
) -> Any:
    """Your organisation's schemes, milestones soonest first, evidence, assessments, money and open nudges: a
    programme each, by contract year then name, a page at a time."""
    may_read_dashboard(actor, provider_id)
    asked = ("dashboard", str(provider_id), year, paging.limit, paging.cursor, readings.reading_clock.today())
    text, next_cursor = kept.answer(asked, lambda: _dashboard(readings, str(provider_id), year, paging))
    return paging.answer(text, next_cursor)


def _dashboard(readings: ProgressView, provider_id: str, year: int | None, paging: Paging) -> tuple[str, str | None]:
    """The page of the dashboard, written as JSON, and the cursor of the next page."""
    page = paging.page(joined_programmes(readings, provider_id, year), programme_key)
    dashboards = provider_dashboard(readings, provider_id, programmes=page.rows)
    nudges = open_nudges(readings, provider_id, progress=[m for d in dashboards for m in d.milestones])
    shown = [
        asdict(d)
        | {"money": Money.of(d.money).model_dump(mode="json")}
        | {"nudges": [asdict(n) for n in nudges if n.programme_id == d.programme_id]}
        for d in dashboards
    ]
    return json_text(shown), page.next_cursor
