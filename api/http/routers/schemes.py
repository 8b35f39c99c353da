"""Schemes: the commissioner drafts one in a programme, amends the draft and varies agreed terms; reading the terms."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.access import readable_scheme
from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_COMMISSIONER, CorralApp, CurrentActor, KnownProgramme, KnownScheme
from domain.limits import CODE, SHORT_TEXT, within
from domain.milestones import Direction, MeasureUnit, Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.scheme import Participant, SchemeTerms
from domain.scheme_terms import Exclusion, PackDeadline

router = APIRouter(tags=["set-up"])


# The terms are also how a scheme is read back, so the domain alone checks their text: terms recorded before the
# limits on input must still read.
class MeasureIn(BaseModel):
    numerator: str
    denominator: str | None = None
    minimum: Decimal
    maximum: Decimal
    direction: Direction = Direction.HIGHER_IS_BETTER
    basis: ThresholdBasis = ThresholdBasis.ABSOLUTE
    baseline: Decimal | None = None
    unit: MeasureUnit | None = Field(
        default=None,
        description="what the thresholds (and a rate's baseline) are written in: percent (75 is 75%; 5 percentage"
        " points; -20 a 20% reduction), fraction (0.75), or number (a count); none given: fraction for a rate or a"
        " change from the baseline, number for a count",
    )


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


class ExclusionIn(BaseModel):
    provider_id: UUID
    reason: str


class PackDeadlineIn(BaseModel):
    quarter: Quarter
    due: date


class TermsIn(BaseModel):
    title: str
    description: str = ""
    participants: list[ParticipantIn]
    milestones: list[MilestoneIn]
    pack_deadlines: list[PackDeadlineIn] = Field(
        default=[],
        description="when each quarter's pack is due; a quarter not named is due 14 days after its last milestone",
    )
    exclusions: list[ExclusionIn] = Field(
        default=[],
        description="every provider of the programme that is not a participant, with the reason it is left out",
    )

    def terms(self) -> SchemeTerms:
        """The domain's terms, whose own checks give the clear errors, naming each field by its place in the body."""
        milestones = tuple(milestone_of(number, m) for number, m in enumerate(self.milestones))
        participants = []
        for number, p in enumerate(self.participants):
            with within(f"participants.{number}"):
                participants.append(Participant(p.provider_id, p.weight))
        deadlines = tuple(PackDeadline(d.quarter, d.due) for d in self.pack_deadlines)
        exclusions = []
        for number, x in enumerate(self.exclusions):
            with within(f"exclusions.{number}"):
                exclusions.append(Exclusion(x.provider_id, x.reason))
        return SchemeTerms(self.title, tuple(participants), milestones, self.description, deadlines, tuple(exclusions))


def milestone_of(number: int, m: MilestoneIn) -> Milestone:
    """The domain's milestone, its fields named by its place in the body, as `milestones.{number}.due`."""
    with within(f"milestones.{number}"):
        with within("measure"):
            measure = NumericMeasure(**m.measure.model_dump()) if m.measure else None
        return Milestone(**m.model_dump(exclude={"measure"}), measure=measure)


class DraftIn(TermsIn):
    code: str = Field(max_length=CODE.cap)


class VariationIn(TermsIn):
    reason: str = Field(max_length=SHORT_TEXT.cap)


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
def draft(programme_id: UUID, body: DraftIn, act: Act) -> JSONResponse:
    """The commissioner drafts a scheme with participants, weights and milestones."""
    return act.run(
        f"draft {programme_id} {described(body)}",
        lambda: act.corral.draft_scheme(act.actor, programme_id, body.code, body.terms()),
        201,
    )


@router.get("/schemes/{scheme_id}", response_model=SchemeOut)
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
