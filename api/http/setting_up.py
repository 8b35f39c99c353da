"""The set-up requests, as the JSON routes take them and the set-up pages parse their forms into them, so their rules
live in one place: a programme, a provider joining it, its on-account basis and statements, a scheme's terms, its
draft and a change of them, and its lead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.limits import CODE, NAME, SHORT_TEXT, within
from domain.on_account import OnAccountBasis
from domain.milestones import Direction, MeasureUnit, Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.scheme import Participant, SchemeTerms
from domain.scheme_terms import Exclusion, PackDeadline


class ProgrammeIn(BaseModel):
    health_economy: str = Field(max_length=NAME.cap)
    contract_year: int
    partial_fraction: Decimal = Decimal("0.5")
    schemes_per_lead: int | None = 1


class ProviderIn(BaseModel):
    provider_id: UUID
    contract_value: Decimal
    cquin_rate: Decimal


class OnAccountBasisIn(BaseModel):
    expected_achievement: Decimal = Field(description="0 to 1: each month pays the CQUIN value / 12 times this")
    approval_threshold: Decimal = Field(description="pounds a statement may settle before a finance approver must")
    reason: str = Field(max_length=SHORT_TEXT.cap)

    @property
    def basis(self) -> OnAccountBasis:
        """The basis the domain records; it refuses, naming the field, what is out of bounds."""
        return OnAccountBasis(self.expected_achievement, self.approval_threshold)


class StatementIn(BaseModel):
    provider_id: UUID
    month: int = Field(description="the month of the contract year: April is 1, March 12, the year end 13")


class LeadIn(BaseModel):
    provider_id: UUID
    reason: str = Field("", max_length=SHORT_TEXT.cap)


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
