"""Small steps shared by the demo scenarios: organisations, and playing a quarter through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from datetime import date, timedelta
from uuid import UUID

from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.clock import FixedClock
from domain.errors import AlreadyExistsError
from domain.evidence import Evidence
from domain.milestones import Quarter
from domain.organisation import Sector

# The demo loader stands in for the platform operator at the server, as `corral organisations add` does.
OPERATOR = Actor.operator("demo")


def register(app: Corral, code: str, name: str, sector: Sector) -> UUID:
    """Register an organisation of a sector, as the platform operator, unless it is already there; return its id."""
    try:
        return app.register_organisation(OPERATOR, code, name, sector.kind, sector).id
    except AlreadyExistsError:
        return ids.organisation_id(code)


def staff(code: str, role: Role = Role.PROVIDER) -> Actor:
    """The demo user who acts for an organisation."""
    return Actor(f"{code.lower()}.quality", ids.organisation_id(code), role)


@contextmanager
def as_at(app: Corral, day: date) -> Iterator[None]:
    """Play the demo's steps as if on `day`: evidence sent before its due date is recorded as on time."""
    before = app.clock
    app.clock = FixedClock(day)
    try:
        yield
    finally:
        app.clock = before


def due(quarter: Quarter, contract_year: int) -> date:
    """A milestone's due date: 30 days after its quarter ends, but never after the contract year ends."""
    return min(quarter.last_day(contract_year) + timedelta(days=30), Quarter.Q4.last_day(contract_year))


def submit_and_accept(
    app: Corral, provider: Actor, lead: Actor, scheme_id: UUID, code: str, evidence: Evidence
) -> None:
    """A provider submits and the lead accepts it into the pack."""
    submission = app.submit_evidence(provider, scheme_id, code, evidence)
    app.accept_evidence(lead, submission.id, "Thank you: this goes in the pack.")


def assess(
    app: Corral,
    commissioner: Actor,
    scheme_id: UUID,
    quarter: Quarter,
    decisions: list[tuple[UUID, str, AssessmentStatus, str]],
) -> None:
    """The commissioner assesses each (provider, milestone, status, rationale)."""
    for provider_id, code, status, rationale in decisions:
        app.assess_milestone(commissioner, scheme_id, quarter, provider_id, code, status, rationale)
