"""Nudges: the lead reminds a participant that its evidence for the quarter is due."""

from __future__ import annotations

from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_PROVIDER, KnownScheme
from api.http.routing import api_router
from domain.limits import SHORT_TEXT
from domain.milestones import Quarter

router = api_router("/schemes/{scheme_id}/quarters/{quarter}", tags=["reviews"])


class NudgeIn(BaseModel):
    provider_id: UUID
    message: str = Field(min_length=1, max_length=SHORT_TEXT.cap)


@router.post("/nudges", response_model=RecordedOut, dependencies=[BY_PROVIDER, KnownScheme])
def nudge_providers(scheme_id: UUID, quarter: Quarter, body: NudgeIn, act: Act) -> JSONResponse:
    """The lead reminds a participant that its evidence is due."""
    return act.run(
        f"nudge {scheme_id} {quarter.value} {described(body)}",
        lambda: act.corral.nudge_provider(
            act.actor, scheme_id, quarter, body.provider_id, body.message, act.expected_version
        ),
    )
