"""The quarter's pack: the lead presents every accepted submission to the commissioner."""

from __future__ import annotations

from uuid import UUID

from fastapi.responses import JSONResponse

from api.http.commands import Act, RecordedOut
from api.http.deps import BY_PROVIDER, KnownScheme
from api.http.routing import api_router
from domain.milestones import Quarter

router = api_router("/schemes/{scheme_id}/quarters/{quarter}", tags=["reviews"])


@router.post("/pack", response_model=RecordedOut, dependencies=[BY_PROVIDER, KnownScheme])
def present_pack(scheme_id: UUID, quarter: Quarter, act: Act) -> JSONResponse:
    """The lead presents every accepted submission, pinned by revision."""
    return act.run(
        f"present {scheme_id} {quarter.value}",
        lambda: act.corral.present_pack(act.actor, scheme_id, quarter, act.expected_version),
    )
