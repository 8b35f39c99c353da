"""Setting up: organisations, programmes and their providers, schemes, leads, signatures and variations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import CorralApp, CurrentActor, Idempotency
from api.routers.submissions import IdempotencyKey, RecordedOut, recorded
from domain.milestones import Direction, Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.organisation import OrganisationKind
from domain.programme import ProviderTerms
from domain.scheme import Participant, SchemeTerms

router = APIRouter(tags=["set-up"])


class OrganisationIn(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind


class ProgrammeIn(BaseModel):
    health_economy: str
    contract_year: int
    partial_fraction: Decimal = Decimal("0.5")
    schemes_per_lead: int | None = 1


class ProviderIn(BaseModel):
    provider_id: UUID
    contract_value: Decimal
    cquin_rate: Decimal


class MeasureIn(BaseModel):
    numerator: str
    denominator: str | None = None
    minimum: Decimal
    maximum: Decimal
    direction: Direction = Direction.HIGHER_IS_BETTER
    basis: ThresholdBasis = ThresholdBasis.ABSOLUTE
    baseline: Decimal | None = None


class MilestoneIn(BaseModel):
    code: str
    title: str
    quarter: Quarter
    due: date
    description: str = ""
    provider_id: UUID | None = None
    weight: Decimal = Decimal(1)
    measure: MeasureIn | None = None


class ParticipantIn(BaseModel):
    provider_id: UUID
    weight: Decimal = Decimal(1)


class TermsIn(BaseModel):
    title: str
    description: str = ""
    participants: list[ParticipantIn]
    milestones: list[MilestoneIn]

    def terms(self) -> SchemeTerms:
        """The domain's terms, whose own checks give the clear errors."""
        milestones = tuple(
            Milestone(
                **m.model_dump(exclude={"measure"}),
                measure=NumericMeasure(**m.measure.model_dump()) if m.measure else None,
            )
            for m in self.milestones
        )
        participants = tuple(Participant(p.provider_id, p.weight) for p in self.participants)
        return SchemeTerms(self.title, participants, milestones, self.description)


class DraftIn(TermsIn):
    code: str


class VariationIn(TermsIn):
    reason: str


class SignatureIn(BaseModel):
    terms_version: int


class LeadIn(BaseModel):
    provider_id: UUID
    reason: str = ""


@router.post("/organisations", status_code=201, response_model=RecordedOut)
def register_organisation(
    body: OrganisationIn, actor: CurrentActor, corral: CorralApp, keys: Idempotency, key: IdempotencyKey = None
) -> JSONResponse:
    """An administrator registers a commissioner or a provider."""
    return keys.once(
        actor.user_id,
        key,
        f"organisation {body.model_dump_json()}",
        lambda: recorded(corral.register_organisation(actor, body.code, body.name, body.kind), 201),
    )


@router.post("/programmes", status_code=201, response_model=RecordedOut)
def set_up_programme(
    body: ProgrammeIn, actor: CurrentActor, corral: CorralApp, keys: Idempotency, key: IdempotencyKey = None
) -> JSONResponse:
    """The commissioner sets up its programme for a contract year."""
    return keys.once(
        actor.user_id,
        key,
        f"programme {body.model_dump_json()}",
        lambda: recorded(corral.set_up_programme(actor, **body.model_dump()), 201),
    )


@router.post("/programmes/{programme_id}/providers", response_model=RecordedOut)
def join(
    programme_id: UUID,
    body: ProviderIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """A provider joins the programme with its contract value and CQUIN rate."""
    terms = ProviderTerms(body.provider_id, body.contract_value, body.cquin_rate)
    return keys.once(
        actor.user_id,
        key,
        f"join {programme_id} {body.model_dump_json()}",
        lambda: recorded(corral.join_programme(actor, programme_id, terms)),
    )


@router.post("/programmes/{programme_id}/schemes", status_code=201, response_model=RecordedOut)
def draft(
    programme_id: UUID,
    body: DraftIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """The commissioner drafts a scheme with participants, weights and milestones."""
    return keys.once(
        actor.user_id,
        key,
        f"draft {programme_id} {body.model_dump_json()}",
        lambda: recorded(corral.draft_scheme(actor, programme_id, body.code, body.terms()), 201),
    )


@router.post("/schemes/{scheme_id}/lead", response_model=RecordedOut)
def designate_lead(
    scheme_id: UUID,
    body: LeadIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """The commissioner designates the scheme's lead; re-designation needs a reason."""
    return keys.once(
        actor.user_id,
        key,
        f"lead {scheme_id} {body.model_dump_json()}",
        lambda: recorded(corral.designate_lead(actor, scheme_id, body.provider_id, body.reason)),
    )


@router.post("/schemes/{scheme_id}/signatures", response_model=RecordedOut)
def sign(
    scheme_id: UUID,
    body: SignatureIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Sign the version of the terms you have read, for your organisation."""
    return keys.once(
        actor.user_id,
        key,
        f"sign {scheme_id} {body.model_dump_json()}",
        lambda: recorded(corral.sign_scheme(actor, scheme_id, body.terms_version)),
    )


@router.post("/schemes/{scheme_id}/variations", response_model=RecordedOut)
def propose_variation(
    scheme_id: UUID,
    body: VariationIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """The commissioner proposes new terms for an agreed scheme; every party signs again."""
    return keys.once(
        actor.user_id,
        key,
        f"vary {scheme_id} {body.model_dump_json()}",
        lambda: recorded(corral.propose_variation(actor, scheme_id, body.terms(), body.reason)),
    )
