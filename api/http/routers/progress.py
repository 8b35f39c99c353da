"""A programme's progress: scheme x provider x quarter statuses, for the schemes you may see."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel

from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from api.http.routing import api_router
from projections.progress.queries import programme_access, progress_for

router = api_router("/programmes", tags=["programmes"])


class Cell(BaseModel):
    scheme_id: str
    provider_id: str
    quarter: str
    statuses: list[str]


class SchemeHeading(BaseModel):
    id: str
    title: str
    lead_id: str | None


class Progress(BaseModel):
    programme_id: str
    schemes: list[SchemeHeading]
    providers: dict[str, str]
    cells: list[Cell]
    counts: dict[str, int]


@router.get("/{programme_id}/progress", response_model=Progress)
def read_progress(programme_id: UUID, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Progress:
    """Scheme x provider x quarter statuses, for the schemes you take part in (all, for the commissioner)."""
    matrix = progress_for(readings, programme_access(readings, actor, str(programme_id)))
    return Progress(
        programme_id=str(programme_id),
        schemes=[SchemeHeading(id=s.id, title=s.title, lead_id=s.lead_id) for s in matrix.schemes],
        providers=matrix.providers,
        cells=[
            Cell(scheme_id=s, provider_id=p, quarter=q.value, statuses=list(statuses))
            for (s, p, q), statuses in matrix.cells.items()
        ],
        counts=matrix.counts,
    )
