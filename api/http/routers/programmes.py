"""Programmes: the ones you may see, and a commissioner setting one up for a contract year."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.routing import api_router
from api.http.setting_up import ProgrammeIn
from api.http.deps import BY_COMMISSIONER, CurrentActor, KnownProgramme, ProgressReadings, ViewsAfter
from api.http.paging import Paged
from api.http.params import ContractYear
from domain.limits import NAME
from projections.progress.queries import organisation_names, programme_key, programmes_for

router = api_router("/programmes")


class ProgrammeSummary(BaseModel):
    id: str
    health_economy: str
    contract_year: int
    commissioner_id: str
    commissioner: str = Field(description="the commissioner's name")
    continues: str | None = Field(default=None, description="last year's programme, which this one continues")
    continued_by: str | None = Field(default=None, description="next year's programme, which continues this one")


class ContinuationIn(BaseModel):
    health_economy: str | None = Field(
        default=None, max_length=NAME.cap, description="next year's name; the same by default"
    )
    schemes: list[str] | None = Field(
        default=None, max_length=1000, description="the codes of the schemes to carry; all"
    )


@router.get("", response_model=list[ProgrammeSummary], tags=["programmes"])
def list_programmes(
    actor: CurrentActor,
    readings: ProgressReadings,
    _: ViewsAfter,
    paging: Paged,
    year: ContractYear = None,
) -> Any:
    """The programmes you may see, by contract year, then name (the same on every database), a page at a time."""
    names = organisation_names(readings)
    page = paging.page(programmes_for(readings, actor, year), programme_key)
    shown = [
        ProgrammeSummary(
            id=p.id,
            health_economy=p.health_economy,
            contract_year=p.contract_year,
            commissioner_id=p.commissioner_id,
            commissioner=names.get(p.commissioner_id, ""),
            continues=p.continues,
            continued_by=p.continued_by,
        ).model_dump(mode="json")
        for p in page.rows
    ]
    return paging.read(shown, page.next_cursor)


@router.post("", status_code=201, response_model=RecordedOut, dependencies=[BY_COMMISSIONER], tags=["set-up"])
def set_up_programme(body: ProgrammeIn, act: Act) -> JSONResponse:
    """The commissioner sets up its programme for a contract year."""
    return act.run(
        f"programme {described(body)}", lambda: act.corral.set_up_programme(act.actor, **body.model_dump()), 201
    )


@router.post(
    "/{programme_id}/continuation",
    status_code=201,
    response_model=RecordedOut,
    dependencies=[BY_COMMISSIONER, KnownProgramme],
    tags=["set-up"],
)
def continue_programme(programme_id: UUID, act: Act, body: ContinuationIn | None = None) -> JSONResponse:
    """The commissioner continues its programme into the next contract year: providers, schemes, participants and
    leads carried forward as drafts, each scheme linked to the one it continues; 409 if it was already continued."""
    asked = body or ContinuationIn()
    return act.run(
        f"continuation {programme_id} {described(asked)}",
        lambda: act.corral.continue_programme(
            act.actor, programme_id, asked.health_economy, asked.schemes, act.expected_version
        ),
        201,
    )
