"""Organisations: every id and name, for choosing participants, leads and users' organisations."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from projections.progress.queries import organisation_names

router = APIRouter(tags=["set-up"])


class OrganisationOut(BaseModel):
    id: str
    name: str


@router.get("/organisations", response_model=list[OrganisationOut])
def organisations(actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> list[OrganisationOut]:
    """Every organisation's id and name, for choosing participants, leads and users' organisations."""
    names = organisation_names(readings)
    return [OrganisationOut(id=i, name=n) for i, n in sorted(names.items(), key=lambda item: item[1])]
