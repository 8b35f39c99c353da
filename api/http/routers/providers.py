"""A programme's providers: one joins with its contract value and CQUIN rate; the commissioner revises them."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.routing import api_router
from api.http.setting_up import ProviderIn
from api.http.deps import BY_COMMISSIONER, KnownProgramme
from domain.limits import SHORT_TEXT
from domain.programme import ProviderTerms

router = api_router("/programmes", tags=["set-up"])


class ProviderTermsIn(BaseModel):
    contract_value: Decimal
    cquin_rate: Decimal
    reason: str = Field(max_length=SHORT_TEXT.cap)


@router.post("/{programme_id}/providers", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownProgramme])
def join_programme(programme_id: UUID, body: ProviderIn, act: Act) -> JSONResponse:
    """A provider joins the programme with its contract value and CQUIN rate."""
    terms = ProviderTerms(body.provider_id, body.contract_value, body.cquin_rate)
    return act.run(
        f"join {programme_id} {described(body)}",
        lambda: act.corral.join_programme(act.actor, programme_id, terms, act.expected_version),
    )


@router.post(
    "/{programme_id}/providers/{provider_id}/revisions",
    response_model=RecordedOut,
    dependencies=[BY_COMMISSIONER, KnownProgramme],
)
def revise_provider_terms(programme_id: UUID, provider_id: UUID, body: ProviderTermsIn, act: Act) -> JSONResponse:
    """The commissioner changes a provider's contract value or CQUIN rate, saying why."""
    terms = ProviderTerms(provider_id, body.contract_value, body.cquin_rate)
    return act.run(
        f"provider terms {programme_id} {provider_id} {described(body)}",
        lambda: act.corral.revise_provider_terms(act.actor, programme_id, terms, body.reason, act.expected_version),
    )
