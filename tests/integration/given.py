"""Given-steps for application scenarios: each drives the real use cases, never the event store directly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.achievement import AssessmentStatus
from domain.actors import Actor
from domain.application import Corral
from domain.evidence import Evidence
from domain.milestones import Milestone, Quarter
from domain.organisation import OrganisationKind
from domain.programme import ProviderTerms
from domain.scheme import SchemeTerms
from tests.builders import ACTOR_OF, ACUTE, ACUTE_ID, OPERATOR, COMMISSIONER
from tests.builders import COMMUNITY_ID, PRIVATE_ID, figures, flu_milestone, narrative, terms

HEALTH_ECONOMY = "South Devon and Torbay"
CONTRACT_YEAR = 2014
SCHEME_CODE = "SELFHARM"


@dataclass(frozen=True)
class Agreed:
    """An agreed scheme and the programme it belongs to."""

    programme_id: UUID
    scheme_id: UUID


def organisations_registered(app: Corral) -> None:
    """The commissioner and the three providers of tests.builders are registered."""
    app.register_organisation(OPERATOR, "CCG", "South Devon and Torbay CCG", OrganisationKind.COMMISSIONER)
    app.register_organisation(OPERATOR, "ACUTE", "Torbay Acute Trust", OrganisationKind.PROVIDER)
    app.register_organisation(OPERATOR, "COMMUNITY", "Devon Community Care Trust", OrganisationKind.PROVIDER)
    app.register_organisation(OPERATOR, "PRIVATE", "Mount Stuart Hospital", OrganisationKind.PROVIDER)


def provider_terms(provider_id: UUID, contract_value: str = "100000000") -> ProviderTerms:
    """A provider's contract at the 2014/15 CQUIN rate of 2.5%."""
    return ProviderTerms(provider_id, Decimal(contract_value), Decimal("0.025"))


def programme_set_up(app: Corral, *provider_ids: UUID) -> UUID:
    """Organisations registered, the programme set up and the given providers joined."""
    organisations_registered(app)
    programme_id = app.set_up_programme(COMMISSIONER, HEALTH_ECONOMY, CONTRACT_YEAR).id
    for provider_id in provider_ids or (ACUTE_ID, COMMUNITY_ID, PRIVATE_ID):
        app.join_programme(COMMISSIONER, programme_id, provider_terms(provider_id))
    return programme_id


def drafted_with_lead(
    app: Corral,
    programme_id: UUID,
    scheme_terms: SchemeTerms | None = None,
    code: str = SCHEME_CODE,
    lead: UUID = ACUTE_ID,
) -> UUID:
    """A draft scheme (by default the builders' terms) whose lead is designated, so that its parties may sign it."""
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, code, scheme_terms or terms()).id
    app.designate_lead(COMMISSIONER, scheme_id, lead)
    return scheme_id


def signed_by_everyone(app: Corral, scheme_id: UUID) -> None:
    """Every party signs the scheme's current terms."""
    scheme = app.scheme(scheme_id)
    for provider_id in sorted(scheme.terms.provider_ids, key=str):
        app.sign_scheme(ACTOR_OF[provider_id], scheme_id, scheme.terms_version)
    app.sign_scheme(COMMISSIONER, scheme_id, scheme.terms_version)


def agreed_scheme(
    app: Corral,
    *milestones: Milestone,
    participants: tuple[UUID, ...] = (ACUTE_ID, COMMUNITY_ID),
    lead: UUID = ACUTE_ID,
) -> Agreed:
    """A programme with one scheme, its lead designated and its terms signed by every party."""
    programme_id = programme_set_up(app)
    scheme_id = drafted_with_lead(app, programme_id, terms(*milestones, participants=participants), lead=lead)
    signed_by_everyone(app, scheme_id)
    return Agreed(programme_id, scheme_id)


def accepted(
    app: Corral, scheme_id: UUID, provider: Actor, milestone_code: str, evidence: Evidence | None = None
) -> UUID:
    """The provider submits evidence for a milestone and the lead (ACUTE) accepts it."""
    submission_id = app.submit_evidence(provider, scheme_id, milestone_code, evidence or narrative()).id
    app.accept_evidence(ACUTE, submission_id)
    return submission_id


def presented(
    app: Corral, scheme_id: UUID, *submissions: tuple[Actor, str, Evidence], quarter: Quarter = Quarter.Q1
) -> dict[tuple[UUID, str], UUID]:
    """Each (provider, milestone, evidence) is submitted and accepted, and ACUTE presents the pack."""
    submission_ids = {
        (provider.organisation_id, code): accepted(app, scheme_id, provider, code, evidence)
        for provider, code, evidence in submissions
    }
    app.present_pack(ACUTE, scheme_id, quarter)
    return submission_ids


def flu_closed(app: Corral, uptake: int = 70, close: bool = True) -> UUID:
    """ACUTE alone takes part in a flu scheme (paid between 60% and 80%): its uptake, between the two, is assessed
    Partially Met on the presented figures and, by default, the quarter closed. Returns the scheme's id."""
    scheme_id = agreed_scheme(app, flu_milestone(), participants=(ACUTE_ID,)).scheme_id
    presented(app, scheme_id, (ACUTE, "FLU", figures(uptake, 100)))
    partly = AssessmentStatus.PARTIALLY_MET
    app.assess_milestone(COMMISSIONER, scheme_id, Quarter.Q1, ACUTE_ID, "FLU", partly, f"{uptake}% uptake.")
    if close:
        app.close_quarter(COMMISSIONER, scheme_id, Quarter.Q1)
    return scheme_id


def events_of(app: Corral, aggregate_id: UUID) -> list[Any]:
    """An aggregate's events, oldest first, with their recorded attributes."""
    return list(app.events.get(aggregate_id))


def last_event(app: Corral, aggregate_id: UUID) -> Any:
    """An aggregate's newest event."""
    return events_of(app, aggregate_id)[-1]


def event_names(app: Corral, aggregate_id: UUID) -> list[str]:
    """The names of an aggregate's events, oldest first."""
    return [type(e).__name__ for e in app.events.get(aggregate_id)]


def all_events(app: Corral) -> list[Any]:
    """Every event in the application log, in notification order."""
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
    return [app.mapper.to_domain_event(n) for n in notifications]


def event_count(app: Corral) -> int:
    """How many events the application log holds."""
    return len(app.recorder.select_notifications(start=1, limit=1_000_000))
