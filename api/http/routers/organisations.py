"""Organisations: every one's id, name, kind and sector; an administrator records its own organisation's sector."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut
from api.http.deps import BY_ADMINISTRATOR, CurrentActor, ProgressReadings, ViewsAfter
from api.http.paging import Paged
from api.http.routing import api_router
from domain.limits import SHORT_TEXT
from domain.organisation import OrganisationKind, Sector
from projections.progress.queries import name_order, organisations_listed

router = api_router(tags=["set-up"])


class OrganisationOut(BaseModel):
    id: str
    name: str
    kind: OrganisationKind
    sector: Sector | None = Field(description="none for an organisation registered before sectors were recorded")


class SectorIn(BaseModel):
    sector: Sector
    reason: str = Field(max_length=SHORT_TEXT.cap)


@router.get("/organisations", response_model=list[OrganisationOut])
def list_organisations(actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter, paging: Paged) -> Any:
    """Every organisation's id, name, kind and sector, in order of name, a page at a time: for choosing participants,
    leads and users' organisations."""
    page = paging.page(organisations_listed(readings), lambda o: name_order(o.name, o.id))
    shown = [
        OrganisationOut(
            id=o.id, name=o.name, kind=OrganisationKind(o.kind), sector=Sector(o.sector) if o.sector else None
        ).model_dump(mode="json")
        for o in page.rows
    ]
    return paging.read(shown, page.next_cursor)


@router.post("/organisations/{organisation_id}/sector", response_model=RecordedOut, dependencies=[BY_ADMINISTRATOR])
def change_sector(organisation_id: UUID, body: SectorIn, act: Act) -> JSONResponse:
    """The organisation's own administrator records the sector it is in, saying why."""
    return act.run(
        f"sector {organisation_id} {body.sector.value} {body.reason}",
        lambda: act.corral.change_sector(act.actor, organisation_id, body.sector, body.reason, act.expected_version),
    )
