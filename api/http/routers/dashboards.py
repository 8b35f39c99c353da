"""A provider's dashboard: its schemes, its milestones soonest first, its evidence, assessments and money."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from fastapi import APIRouter

from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from api.http.reads import json_read
from api.http.money import Money
from projections.progress.queries import may_read_dashboard, open_nudges, provider_dashboard

router = APIRouter(prefix="/providers", tags=["boards"])


@router.get("/{provider_id}/dashboard")
def read_dashboard(provider_id: UUID, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Any:
    """Your organisation's schemes, milestones soonest first, evidence, assessments, money and open nudges."""
    may_read_dashboard(actor, provider_id)
    nudges = open_nudges(readings, str(provider_id))
    return json_read(
        [
            asdict(d)
            | {"money": Money.of(d.money).model_dump(mode="json")}
            | {"nudges": [asdict(n) for n in nudges if n.programme_id == d.programme_id]}
            for d in provider_dashboard(readings, str(provider_id))
        ]
    )
