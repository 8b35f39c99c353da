"""Schemes: the commissioner drafts one in a programme, amends the draft and varies agreed terms; reading the terms."""

from __future__ import annotations

from dataclasses import asdict
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.access import readable_scheme
from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_COMMISSIONER, CorralApp, CurrentActor, KnownProgramme, KnownScheme
from api.http.openapi import VERSIONED
from api.http.routing import api_router
from api.http.setting_up import DraftIn, TermsIn, VariationIn
from domain.scheme import SchemeTerms

router = api_router(tags=["set-up"])


class AgreedOut(BaseModel):
    terms_version: int
    terms: TermsIn
    signatories: list[UUID]


class SchemeOut(BaseModel):
    id: UUID
    programme_id: UUID
    code: str
    status: str
    lead_id: UUID | None
    terms_version: int
    terms: TermsIn
    signatures: dict[str, str] = Field(description="organisation id: the user who signed the current terms")
    agreed_versions: list[AgreedOut]


def _terms_out(terms: SchemeTerms) -> TermsIn:
    return TermsIn.model_validate(asdict(terms))


@router.post(
    "/programmes/{programme_id}/schemes",
    status_code=201,
    response_model=RecordedOut,
    dependencies=[BY_COMMISSIONER, KnownProgramme],
)
def draft_scheme(programme_id: UUID, body: DraftIn, act: Act) -> JSONResponse:
    """The commissioner drafts a scheme with participants, weights and milestones."""
    return act.run(
        f"draft {programme_id} {described(body)}",
        lambda: act.corral.draft_scheme(act.actor, programme_id, body.code, body.terms()),
        201,
    )


@router.get("/schemes/{scheme_id}", response_model=SchemeOut, responses=VERSIONED)
def read_scheme(scheme_id: UUID, actor: CurrentActor, corral: CorralApp) -> JSONResponse:
    """The scheme's current terms, who has signed them, and every earlier agreed version; its version as the ETag."""
    scheme = readable_scheme(corral, actor, scheme_id)
    out = SchemeOut(
        id=scheme.id,
        programme_id=scheme.programme_id,
        code=scheme.code,
        status=scheme.status.value,
        lead_id=corral.programme(scheme.programme_id).lead_of(scheme.id),
        terms_version=scheme.terms_version,
        terms=_terms_out(scheme.terms),
        signatures=dict(scheme.signatures),
        agreed_versions=[
            AgreedOut(terms_version=a.terms_version, terms=_terms_out(a.terms), signatories=list(a.signatories))
            for a in scheme.agreed_versions
        ],
    )
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": f'"{scheme.version}"'})


@router.post("/schemes/{scheme_id}/amendments", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def amend_draft(scheme_id: UUID, body: VariationIn, act: Act) -> JSONResponse:
    """The commissioner changes a draft's terms before they are first agreed, saying why; signatures start again."""
    return act.run(
        f"amend {scheme_id} {described(body)}",
        lambda: act.corral.amend_draft(act.actor, scheme_id, body.terms(), body.reason, act.expected_version),
    )


@router.post("/schemes/{scheme_id}/variations", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def propose_variation(scheme_id: UUID, body: VariationIn, act: Act) -> JSONResponse:
    """The commissioner proposes new terms for an agreed scheme; every party signs again."""
    return act.run(
        f"vary {scheme_id} {described(body)}",
        lambda: act.corral.propose_variation(act.actor, scheme_id, body.terms(), body.reason, act.expected_version),
    )
