"""What the trail remembers from earlier events, because later events of an aggregate do not repeat it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.actors import Actor
from domain.api_client import ApiClient
from domain.identity import Identity
from domain.milestones import contract_year_label
from domain.organisation import OrganisationKind
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.actors import Role
from domain.submission import Submission
from domain.user_account import UserAccount
from domain.webhook import WebhookEndpoint


@dataclass(frozen=True)
class Context:
    """The programme, scheme, provider and quarter an aggregate concerns, and the names it goes by."""

    programme_id: UUID | None = None
    scheme_id: UUID | None = None
    provider_id: UUID | None = None
    quarter: str | None = None
    title: str = ""  # a programme's or a scheme's name, or an account's username
    code: str = ""  # a scheme's code, a submission's milestone code, or an account's role
    terms_version: int = 0
    commissioner_id: UUID | None = None
    organisation_id: UUID | None = None  # whose account, API client, webhook endpoint or linked identity it is


@dataclass(frozen=True)
class KnownOrganisation:
    """An organisation's name and kind as the trail last saw them."""

    name: str
    kind: OrganisationKind


class Acted(Protocol):
    """Any event: every one names the aggregate it happened to, its version, when, and who acted."""

    @property
    def originator_id(self) -> UUID: ...

    @property
    def originator_version(self) -> int: ...

    @property
    def timestamp(self) -> datetime: ...

    @property
    def actor(self) -> Actor: ...


FirstEvent = (
    Programme.SetUp | Scheme.Drafted | Submission.EvidenceSubmitted | QuarterReview.Opened | UserAccount.Registered
)
NewTerms = Scheme.DraftAmended | Scheme.VariationProposed


class Lookup(Protocol):
    """What the trail knows from earlier events."""

    def organisation(self, organisation_id: UUID) -> KnownOrganisation | None:
        """The organisation as last registered or renamed, if seen."""

    def context(self, aggregate_id: UUID) -> Context | None:
        """The aggregate's context, if its first event has been seen."""

    def person(self, username: str) -> str:
        """The name an account's user goes by; blank when none was given."""


def created_context(event: FirstEvent) -> Context:
    """The context an aggregate's first event gives it; an account keeps its username, role and organisation."""
    if isinstance(event, Programme.SetUp):
        title = f"{event.health_economy} {contract_year_label(event.contract_year)}"
        return Context(event.originator_id, title=title, commissioner_id=event.commissioner_id)
    if isinstance(event, Scheme.Drafted):
        return Context(
            event.programme_id,
            event.originator_id,
            title=event.terms.title,
            code=event.code,
            terms_version=1,
            commissioner_id=event.commissioner_id,
        )
    if isinstance(event, UserAccount.Registered):
        staff_of = event.organisation_id if event.role is Role.PROVIDER else None
        return Context(
            provider_id=staff_of, title=event.username, code=event.role.value, organisation_id=event.organisation_id
        )
    if isinstance(event, Submission.EvidenceSubmitted):
        return Context(
            event.programme_id, event.scheme_id, event.provider_id, event.quarter.value, code=event.milestone_code
        )
    return Context(
        event.programme_id, event.scheme_id, quarter=event.quarter.value, commissioner_id=event.commissioner_id
    )


def new_terms_context(before: Context, event: NewTerms) -> Context:
    """A scheme's context once a draft amendment or a variation replaces its terms."""
    return replace(before, title=event.terms.title, terms_version=before.terms_version + 1)


# The events that name the organisation whose account, API client, webhook endpoint or linked identity they begin.
Belonging = UserAccount.Registered | ApiClient.Registered | WebhookEndpoint.EndpointRegistered | Identity.Linked


def concerned_organisation(event: Acted, lookup: Lookup) -> UUID | None:
    """The organisation whose own trail holds the event when it belongs to no programme: the organisation itself for
    its own details and sign-in choice, else the owner of the account, API client, webhook endpoint or identity; None
    for an identity linked to no account (its refusals are the operator's to read)."""
    if type(event).__qualname__.split(".")[0] == "Organisation":
        return event.originator_id
    if isinstance(event, Belonging):
        return event.organisation_id
    context = lookup.context(event.originator_id)
    return None if context is None else context.organisation_id
