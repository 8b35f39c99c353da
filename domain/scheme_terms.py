"""What a scheme's parties sign: its participants, their weights and the milestones, and each version agreed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from uuid import UUID

from domain.deadlines import default_pack_deadline
from domain.errors import DomainError, Namer, NotFoundError, listed
from domain.limits import LONG_TEXT, SHORT_TEXT, TITLE, WEIGHT, InvalidInputError
from domain.milestones import Milestone, Quarter
from domain.programme import ProgrammeScope


class InvalidTermsError(DomainError):
    """The scheme's participants, weights or milestones do not make sense."""


class ExclusionReasonMissingError(DomainError):
    """A provider of the programme left out of a scheme has the reason recorded."""

    field = "exclusions"
    missing: tuple[UUID, ...] = ()

    @classmethod
    def of(cls, missing: list[UUID]) -> ExclusionReasonMissingError:
        """The error naming each provider of the programme left out with no reason."""
        error = cls("every provider of the programme left out of the scheme needs the reason recorded")
        error.missing = tuple(missing)
        return error

    def described(self, names: Namer) -> str:
        """`Mount Stuart Hospital is in the programme but not in this scheme: say why it is left out`."""
        if not self.missing:
            return str(self)
        who = listed([names(p) for p in self.missing])
        are, they = ("are", "they are") if len(self.missing) > 1 else ("is", "it is")
        return f"{who} {are} in the programme but not in this scheme: say why {they} left out"


@dataclass(frozen=True)
class Participant:
    """A participating provider and the weight of this scheme in its CQUIN value."""

    provider_id: UUID
    weight: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", WEIGHT.check(self.weight, "weight"))


@dataclass(frozen=True)
class Exclusion:
    """A provider of the programme left out of the scheme, and why (seed 004: a private hospital joins "only schemes
    relevant to its NHS patients")."""

    provider_id: UUID
    reason: str

    def __post_init__(self) -> None:
        reason = SHORT_TEXT.check(self.reason, "reason").strip()
        if not reason:
            raise InvalidInputError("reason", "say why this provider of the programme is left out of the scheme")
        object.__setattr__(self, "reason", reason)


@dataclass(frozen=True)
class PackDeadline:
    """The day by which the lead presents a scheme-quarter's pack."""

    quarter: Quarter
    due: date


@dataclass(frozen=True)
class SchemeTerms:
    """What the parties sign: title, participants, weights, milestones, the packs' deadlines, and the programme's
    providers left out, each with its reason (terms recorded before exclusions were kept have none)."""

    title: str
    participants: tuple[Participant, ...]
    milestones: tuple[Milestone, ...]
    description: str = ""
    pack_deadlines: tuple[PackDeadline, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()

    def __post_init__(self) -> None:
        TITLE.check(self.title, "title")
        object.__setattr__(self, "description", LONG_TEXT.check(self.description, "description"))
        if not self.title.strip():
            raise InvalidTermsError("a scheme needs a title")
        if not self.participants:
            raise InvalidTermsError("a scheme needs at least one participant")
        providers = [p.provider_id for p in self.participants]
        if len(set(providers)) != len(providers):
            raise InvalidTermsError("a provider is listed twice as a participant")
        codes = [m.code for m in self.milestones]
        if len(set(codes)) != len(codes):
            raise InvalidTermsError("two milestones share a code")
        for m in self.milestones:
            if m.provider_id is not None and m.provider_id not in providers:
                raise InvalidTermsError(f"milestone {m.code} is targeted at a provider outside the scheme")
        left_out = [x.provider_id for x in self.exclusions]
        for number, provider_id in enumerate(left_out):
            if provider_id in providers or provider_id in left_out[:number]:
                raise InvalidInputError(
                    f"exclusions.{number}.provider_id", "names a provider already in the scheme or already left out"
                )
        quarters = [d.quarter for d in self.pack_deadlines]
        if len(set(quarters)) != len(quarters):
            raise InvalidTermsError("a quarter has two pack deadlines")

    @cached_property
    def provider_ids(self) -> frozenset[UUID]:
        """The participating providers (worked out once: the terms never change, and every access check asks)."""
        return frozenset(p.provider_id for p in self.participants)

    @property
    def excluded_ids(self) -> frozenset[UUID]:
        """The programme's providers left out of the scheme, with a reason."""
        return frozenset(x.provider_id for x in self.exclusions)

    def milestone(self, code: str) -> Milestone:
        """The milestone with this code."""
        for m in self.milestones:
            if m.code == code:
                return m
        raise NotFoundError(f"there is no milestone {code} in this scheme")

    def expected(self, quarter: Quarter) -> list[tuple[UUID, Milestone]]:
        """Every provider-milestone due in the quarter."""
        return [
            (p.provider_id, m)
            for m in self.milestones
            if m.quarter is quarter
            for p in self.participants
            if m.applies_to(p.provider_id)
        ]

    def pack_deadline(self, quarter: Quarter) -> date | None:
        """When the quarter's pack is due: as the terms name it, else a fortnight after its last milestone is due;
        None for a quarter with no milestones."""
        for deadline in self.pack_deadlines:
            if deadline.quarter is quarter:
                return deadline.due
        dues = [m.due for m in self.milestones if m.quarter is quarter]
        return default_pack_deadline(max(dues)) if dues else None

    def require_in(self, programme: ProgrammeScope) -> None:
        """Every participant has joined the programme, every milestone falls due in its contract year, each pack
        deadline falls after its quarter's milestones are due and within a year of the contract year's end, and each
        of the programme's other providers is left out with a reason."""
        if not self.provider_ids <= programme.provider_ids:
            raise InvalidTermsError("every participant must first join the programme")
        for number, milestone in enumerate(self.milestones):
            if not programme.first_day <= milestone.due <= programme.last_day:
                raise InvalidInputError(
                    f"milestones.{number}.due",
                    f"must fall in the contract year, from {_day(programme.first_day)} to {_day(programme.last_day)}",
                )
        for number, deadline in enumerate(self.pack_deadlines):
            dues = [m.due for m in self.milestones if m.quarter is deadline.quarter]
            earliest = max(dues, default=deadline.quarter.first_day(programme.contract_year))
            latest = programme.last_day.replace(year=programme.last_day.year + 1)
            if not earliest <= deadline.due <= latest:
                raise InvalidInputError(
                    f"pack_deadlines.{number}.due",
                    f"must fall from {_day(earliest)}, when the quarter's evidence is due, to {_day(latest)}",
                )
        for number, exclusion in enumerate(self.exclusions):
            if exclusion.provider_id not in programme.provider_ids:
                raise InvalidInputError(f"exclusions.{number}.provider_id", "names a provider not in the programme")
        if programme.provider_ids - self.provider_ids - self.excluded_ids:
            raise ExclusionReasonMissingError.of(
                sorted(programme.provider_ids - self.provider_ids - self.excluded_ids, key=str)
            )


@dataclass(frozen=True)
class AgreedVersion:
    """Terms as signed by every party; kept readable after any variation."""

    terms_version: int
    terms: SchemeTerms
    signatories: tuple[UUID, ...]


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
