"""A scheme's lead: the commissioner designates the provider that corrals everyone's evidence."""

from __future__ import annotations

from uuid import UUID

from fastapi.responses import JSONResponse

from api.http.commands import Act, RecordedOut, described
from api.http.routing import api_router
from api.http.setting_up import LeadIn
from api.http.deps import BY_COMMISSIONER, KnownScheme

router = api_router("/schemes", tags=["set-up"])


@router.post("/{scheme_id}/lead", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def designate_lead(scheme_id: UUID, body: LeadIn, act: Act) -> JSONResponse:
    """The commissioner designates the scheme's lead; re-designation needs a reason."""
    return act.run(
        f"lead {scheme_id} {described(body)}",
        lambda: act.corral.designate_lead(act.actor, scheme_id, body.provider_id, body.reason, act.expected_version),
    )
