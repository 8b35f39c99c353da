"""What the trail remembers from earlier events, because later events of an aggregate do not repeat it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.milestones import contract_year_label
from domain.organisation import Organisation, OrganisationKind
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.submission import Submission

AGGREGATES: tuple[type[Aggregate], ...] = (Organisation, Programme, Scheme, Submission, QuarterReview)


def event_class(aggregate: type[Aggregate], name: str) -> type[Any]:
    """The event class an aggregate's `@event(name)` method defines (mypy cannot see these)."""
    found = getattr(aggregate, name, None)
    if not (isinstance(found, type) and issubclass(found, aggregate.Event)):
        raise LookupError(f"{aggregate.__name__} has no event {name}")
    return found


def domain_event_classes() -> list[type[Any]]:
    """Every event class the five aggregates record, by aggregate then name."""
    return [
        value
        for aggregate in AGGREGATES
        for name, value in sorted(vars(aggregate).items())
        if isinstance(value, type)
        and issubclass(value, aggregate.Event)
        and value not in (aggregate.Event, aggregate.Created)
    ]


@dataclass(frozen=True)
class Context:
    """The programme, scheme, provider and quarter an aggregate concerns, and the names it goes by."""

    programme_id: UUID | None = None
    scheme_id: UUID | None = None
    provider_id: UUID | None = None
    quarter: str | None = None
    title: str = ""  # a programme's or a scheme's name
    code: str = ""  # a scheme's code, or a submission's milestone code
    terms_version: int = 0
    commissioner_id: UUID | None = None


@dataclass(frozen=True)
class KnownOrganisation:
    """An organisation's name and kind as the trail last saw them."""

    name: str
    kind: OrganisationKind


class Lookup(Protocol):
    """What the trail knows from earlier events."""

    def organisation(self, organisation_id: UUID) -> KnownOrganisation | None:
        """The organisation as last registered or renamed, if seen."""

    def context(self, aggregate_id: UUID) -> Context | None:
        """The aggregate's context, if its first event has been seen."""


def created_context(event: Any) -> Context:
    """The context a programme's, scheme's, submission's or quarter review's first event gives it."""
    kind = type(event).__name__
    if kind == "SetUp":
        title = f"{event.health_economy} {contract_year_label(event.contract_year)}"
        return Context(event.originator_id, title=title, commissioner_id=event.commissioner_id)
    if kind == "Drafted":
        return Context(
            event.programme_id,
            event.originator_id,
            title=event.terms.title,
            code=event.code,
            terms_version=1,
            commissioner_id=event.commissioner_id,
        )
    if kind == "EvidenceSubmitted":
        return Context(
            event.programme_id, event.scheme_id, event.provider_id, event.quarter.value, code=event.milestone_code
        )
    if kind == "Opened":
        return Context(
            event.programme_id, event.scheme_id, quarter=event.quarter.value, commissioner_id=event.commissioner_id
        )
    raise LookupError(f"{kind} is not the first event of an aggregate the trail follows")


def new_terms_context(before: Context, event: Any) -> Context:
    """A scheme's context once a draft amendment or a variation replaces its terms."""
    return replace(before, title=event.terms.title, terms_version=before.terms_version + 1)
