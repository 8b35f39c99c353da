"""Aggregates brought to where a unit test's scenario starts, their pending events already cleared."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import ids
from domain.payment_rules import as_set_up
from domain.actors import Actor, Role
from domain.evidence import Evidence
from domain.milestones import Milestone, Quarter
from domain.organisation import OrganisationKind
from domain.programme import Programme, ProgrammeScope, ProviderTerms
from domain.evidence_pack import PackEntry
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme, SchemeTerms
from domain.submission import Submission
from domain.user_account import UserAccount
from tests.builders import ON_TIME, ACTOR_OF, ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID
from tests.builders import PRIVATE_ID, narrative, narrative_milestone, terms

PROGRAMME_ID = ids.programme_id(COMMISSIONER_ID, "Torbay", 2014)
SCHEME_ID = ids.scheme_id(PROGRAMME_ID, "SH")
REVIEW_ID = ids.quarter_review_id(SCHEME_ID, Quarter.Q1)
ALL_PROVIDERS = frozenset({ACUTE_ID, COMMUNITY_ID, PRIVATE_ID})
SCOPE = ProgrammeScope(ALL_PROVIDERS, 2014)  # the programme's providers and contract year
LEAD, LEAD_ID = COMMUNITY, COMMUNITY_ID
HALF = Decimal("0.5")
RULES = as_set_up(HALF)


def collected(aggregate: Aggregate) -> list[Any]:
    """The aggregate's pending events, which this clears; typed loosely so a test can read their attributes."""
    return list(aggregate.collect_events())


def event_names(aggregate: Aggregate) -> list[str]:
    """The names of the aggregate's pending events, which this clears."""
    return [type(e).__name__ for e in aggregate.collect_events()]


def provider_terms(provider_id: UUID, contract_value: str = "1000000", cquin_rate: str = "0.0125") -> ProviderTerms:
    """A provider's contract value and CQUIN rate."""
    return ProviderTerms(provider_id, Decimal(contract_value), Decimal(cquin_rate))


def programme(schemes_per_lead: int | None = 1) -> Programme:
    """The Torbay 2014/15 programme with all three providers joined."""
    result = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014, schemes_per_lead=schemes_per_lead)
    for provider_id in sorted(ALL_PROVIDERS, key=str):
        result.join(COMMISSIONER, provider_terms(provider_id))
    result.collect_events()
    return result


def drafted(scheme_terms: SchemeTerms | None = None, code: str = "SH") -> Scheme:
    """A draft scheme; by default ACUTE and COMMUNITY share one narrative Q1 milestone."""
    scheme = Scheme.draft(COMMISSIONER, PROGRAMME_ID, COMMISSIONER_ID, SCOPE, code, scheme_terms or terms())
    scheme.collect_events()
    return scheme


def sign_by_all(scheme: Scheme) -> None:
    """Every signatory signs the current terms, the commissioner first."""
    for organisation_id in sorted(scheme.signatories, key=lambda o: o != COMMISSIONER_ID):
        scheme.sign(ACTOR_OF[organisation_id], scheme.terms_version, LEAD_ID)


def agreed(scheme_terms: SchemeTerms | None = None) -> Scheme:
    """A scheme signed by every party."""
    scheme = drafted(scheme_terms)
    sign_by_all(scheme)
    scheme.collect_events()
    return scheme


def submitted(milestone: Milestone | None = None, evidence: Evidence | None = None, actor: Actor = ACUTE) -> Submission:
    """A provider's evidence, awaiting the lead's review."""
    submission = Submission.submit(
        actor,
        PROGRAMME_ID,
        SCHEME_ID,
        actor.organisation_id,
        milestone or narrative_milestone(),
        evidence or narrative(),
        today=ON_TIME,
    )
    submission.collect_events()
    return submission


def accepted(milestone: Milestone | None = None, evidence: Evidence | None = None, actor: Actor = ACUTE) -> Submission:
    """Evidence the lead has accepted into its pack."""
    submission = submitted(milestone, evidence, actor)
    submission.accept_by_lead(LEAD, LEAD_ID)
    submission.collect_events()
    return submission


def presented(milestone: Milestone | None = None, evidence: Evidence | None = None, actor: Actor = ACUTE) -> Submission:
    """Evidence locked in the first pack presented."""
    submission = accepted(milestone, evidence, actor)
    submission.include_in_pack(LEAD, LEAD_ID, REVIEW_ID, 1)
    submission.collect_events()
    return submission


def entry(submission: Submission) -> PackEntry:
    """The submission's current revision as a pack entry."""
    return PackEntry(submission.id, submission.provider_id, submission.milestone_code, submission.revision)


def opened_review() -> QuarterReview:
    """The scheme's Q1 review, with nothing presented yet."""
    review = QuarterReview.open(LEAD, PROGRAMME_ID, COMMISSIONER_ID, LEAD_ID, SCHEME_ID, Quarter.Q1)
    review.collect_events()
    return review


def presented_review(*submissions: Submission) -> QuarterReview:
    """A Q1 review whose lead has presented a pack of the given submissions."""
    review = opened_review()
    review.present(LEAD, LEAD_ID, tuple(entry(s) for s in submissions), ())
    review.collect_events()
    return review


def opened_account(
    username: str = "colin", organisation_id: UUID = COMMUNITY_ID, role: Role = Role.PROVIDER
) -> UserAccount:
    """A user's account, opened by the platform operator with a password hash."""
    kind = OrganisationKind.COMMISSIONER if organisation_id == COMMISSIONER_ID else OrganisationKind.PROVIDER
    account = UserAccount.register(Actor.operator("tests"), username, organisation_id, kind, role, "hash-1")
    account.collect_events()
    return account
