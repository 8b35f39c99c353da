"""Signatures: the commissioner and each participant sign the version of a scheme's terms they have read."""

from __future__ import annotations

from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http.commands import Act, RecordedOut, described
from api.http.deps import KnownScheme, performed_by
from api.http.routing import api_router
from domain.actors import Role

router = api_router("/schemes", tags=["set-up"])
BY_SIGNATORY = performed_by(Role.COMMISSIONER, Role.PROVIDER)


class SignatureIn(BaseModel):
    terms_version: int


@router.post("/{scheme_id}/signatures", response_model=RecordedOut, dependencies=[BY_SIGNATORY, KnownScheme])
def sign_scheme(scheme_id: UUID, body: SignatureIn, act: Act) -> JSONResponse:
    """Sign the version of the terms you have read, for your organisation."""
    return act.run(
        f"sign {scheme_id} {described(body)}",
        lambda: act.corral.sign_scheme(act.actor, scheme_id, body.terms_version, act.expected_version),
    )
