"""Actors, terms and evidence for test scenarios, so each test states only what matters to it."""

from __future__ import annotations

from datetime import date
from functools import cache
from decimal import Decimal
from uuid import UUID

from argon2 import PasswordHasher

from domain import ids
from domain.actors import Actor, Role
from domain.evidence import Evidence, Figures
from domain.milestones import Direction, Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.scheme import Participant, SchemeTerms
from domain.scheme_terms import Exclusion

COMMISSIONER_ID = ids.organisation_id("CCG")
ACUTE_ID = ids.organisation_id("ACUTE")
COMMUNITY_ID = ids.organisation_id("COMMUNITY")
PRIVATE_ID = ids.organisation_id("PRIVATE")

OPERATOR = Actor.operator("tests")  # registers organisations and users of any organisation, as the CLI does


def administrator_of(organisation_id: UUID) -> Actor:
    """An organisation's administrator, who manages its own accounts and details only."""
    return Actor("admin", organisation_id, Role.ADMINISTRATOR)


ADMIN = administrator_of(COMMISSIONER_ID)
COMMISSIONER = Actor("gill", COMMISSIONER_ID, Role.COMMISSIONER)
ACUTE = Actor("alice", ACUTE_ID, Role.PROVIDER)
COMMUNITY = Actor("colin", COMMUNITY_ID, Role.PROVIDER)
PRIVATE = Actor("priya", PRIVATE_ID, Role.PROVIDER)
AUDITOR = Actor("audrey", COMMISSIONER_ID, Role.AUDITOR)

PROVIDERS = {"ACUTE": ACUTE_ID, "COMMUNITY": COMMUNITY_ID, "PRIVATE": PRIVATE_ID}
# Who signs a scheme for each organisation.
ACTOR_OF: dict[UUID, Actor] = {a.organisation_id: a for a in (COMMISSIONER, ACUTE, COMMUNITY, PRIVATE)}


# A day the builders' milestones (due 31 July 2014) are not yet due: evidence sent on it is on time.
ON_TIME = date(2014, 7, 1)


def narrative_milestone(code: str = "M1", quarter: Quarter = Quarter.Q1, provider_id: UUID | None = None) -> Milestone:
    """A shared (or, given a provider, targeted) narrative milestone."""
    return Milestone(code, f"Milestone {code}", quarter, date(2014, 7, 31), provider_id=provider_id)


def flu_milestone(code: str = "FLU", quarter: Quarter = Quarter.Q1) -> Milestone:
    """A numeric milestone paid between 60% and 80% uptake."""
    measure = NumericMeasure("staff vaccinated", "frontline staff", Decimal("0.60"), Decimal("0.80"))
    return Milestone(code, "Flu vaccination uptake", quarter, date(2014, 7, 31), measure=measure)


def ae_reduction(baseline: Decimal | None = None) -> NumericMeasure:
    """A count of A&E attendances, paid for a cut of up to 20% from its baseline (by default not yet set)."""
    return NumericMeasure(
        "A&E attendances",
        None,
        Decimal("-0.20"),
        Decimal("0"),
        Direction.LOWER_IS_BETTER,
        ThresholdBasis.CHANGE_FROM_BASELINE,
        baseline,
    )


LEFT_OUT = "Not relevant to its NHS patients."


def terms(
    *milestones: Milestone,
    participants: tuple[UUID, ...] = (ACUTE_ID, COMMUNITY_ID),
    programme: tuple[UUID, ...] = tuple(PROVIDERS.values()),
) -> SchemeTerms:
    """Scheme terms with equal weights; a single shared narrative milestone unless given others; each of the
    `programme`'s other providers left out with a reason."""
    return SchemeTerms(
        title="Reduce self-harm and suicide",
        participants=tuple(Participant(p) for p in participants),
        milestones=milestones or (narrative_milestone(),),
        exclusions=tuple(Exclusion(p, LEFT_OUT) for p in programme if p not in participants),
    )


def narrative(text: str = "Our audit of safety plans is attached.") -> Evidence:
    """Narrative evidence, naming no file: through the application, a file must be uploaded before evidence names it."""
    return Evidence(text)


def figures(numerator: int, denominator: int) -> Evidence:
    """Numeric evidence."""
    return Evidence("Occupational health figures.", Figures(Decimal(numerator), Decimal(denominator)))


QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@cache
def quick_hash(password: str) -> str:
    """An argon2id hash made cheaply, for test accounts whose sign-ins are not what a scenario is about: a hash
    carries its own parameters, so checking a password against it costs milliseconds, not the server's ~0.3 s."""
    return QUICK_HASHER.hash(password)
