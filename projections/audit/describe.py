"""Plain-English descriptions of every event, naming organisations and schemes as they were at the time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Role
from domain.milestones import contract_year_label
from domain.organisation import Organisation, OrganisationKind
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.submission import Submission

AGGREGATES: tuple[type[Aggregate], ...] = (Organisation, Programme, Scheme, Submission, QuarterReview)


@dataclass(frozen=True)
class Context:
    """What an aggregate's later events do not repeat: the programme, scheme, provider and quarter it concerns."""

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

    def organisation(self, organisation_id: UUID) -> KnownOrganisation | None: ...

    def context(self, aggregate_id: UUID) -> Context | None: ...


@dataclass(frozen=True)
class Described:
    """An event in plain English, the free text its actor gave, and what it concerns."""

    description: str
    reason: str | None = None
    programme_id: UUID | None = None
    scheme_id: UUID | None = None
    provider_id: UUID | None = None
    quarter: str | None = None


Describer = Callable[[Any, Lookup], Described]
DESCRIBERS: dict[type[Any], Describer] = {}


def event_class(aggregate: type[Aggregate], name: str) -> type[Any]:
    """The event class an aggregate's `@event(name)` method defines."""
    found = getattr(aggregate, name, None)
    if not (isinstance(found, type) and issubclass(found, aggregate.Event)):
        raise LookupError(f"{aggregate.__name__} has no event {name}")
    return found


def describes(aggregate: type[Aggregate], name: str) -> Callable[[Describer], Describer]:
    """Register the decorated function as the describer of one event class."""

    def register(describer: Describer) -> Describer:
        DESCRIBERS[event_class(aggregate, name)] = describer
        return describer

    return register


def describe(event: Any, lookup: Lookup) -> Described:
    """The event in plain English, as of just before it happened."""
    describer = DESCRIBERS.get(type(event))
    if describer is None:
        context = lookup.context(event.originator_id) or Context()
        return _about(context, f"{who(event, lookup)} recorded {type(event).__name__}")
    return describer(event, lookup)


def created_context(event: Any) -> Context:
    """The context an aggregate's first event gives it."""
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
        return Context(event.programme_id, event.scheme_id, quarter=event.quarter.value)
    raise LookupError(f"{kind} does not create an aggregate the trail follows")


def new_terms_context(before: Context, event: Any) -> Context:
    """A scheme's context once a draft amendment or a variation replaces its terms."""
    return replace(before, title=event.terms.title, terms_version=before.terms_version + 1)


# Phrasing shared by the describers


def who(event: Any, lookup: Lookup) -> str:
    """The acting organisation's name; an administrator by user id."""
    actor = event.actor
    if actor.role is Role.ADMINISTRATOR:
        return f"Administrator {actor.user_id}"
    known = lookup.organisation(actor.organisation_id)
    return known.name if known is not None else actor.user_id


def name_of(lookup: Lookup, organisation_id: UUID | None) -> str:
    """An organisation's name at the time, or its id if the trail never saw it registered."""
    known = None if organisation_id is None else lookup.organisation(organisation_id)
    return known.name if known is not None else f"organisation {organisation_id}"


def scheme_named(lookup: Lookup, scheme_id: UUID | None) -> str:
    """A scheme's title in quotes, as it stood at the time."""
    context = None if scheme_id is None else lookup.context(scheme_id)
    return f"'{context.title}'" if context is not None and context.title else f"scheme {scheme_id}"


def programme_named(lookup: Lookup, programme_id: UUID | None) -> str:
    """`the <health economy> <year> programme`."""
    context = None if programme_id is None else lookup.context(programme_id)
    return f"the {context.title} programme" if context is not None else f"programme {programme_id}"


def evidence_of(context: Context, lookup: Lookup, event: Any, revision: int | None = None) -> str:
    """`<provider>'s Q2 evidence for '<scheme>' (revision 1)`, or `its …` when the provider acts."""
    provider = context.provider_id
    whose = "its" if provider == event.actor.organisation_id else f"{name_of(lookup, provider)}'s"
    details = [f"milestone {context.code}"] if context.code and context.code != context.quarter else []
    details += [f"revision {revision}"] if revision is not None else []
    suffix = f" ({', '.join(details)})" if details else ""
    return f"{whose} {context.quarter} evidence for {scheme_named(lookup, context.scheme_id)}{suffix}"


def milestone_of(context: Context, lookup: Lookup, provider_id: UUID, code: str) -> str:
    """`<provider>'s Q2 milestone for '<scheme>'`, naming the milestone when its code is not the quarter's."""
    named = f" {code}" if code != context.quarter else ""
    return f"{name_of(lookup, provider_id)}'s {context.quarter} milestone{named} for {scheme_named(lookup, context.scheme_id)}"


def money(amount: Decimal) -> str:
    """Pounds, rounded to the penny only for showing."""
    return f"£{amount:,.2f}"


def percent(fraction: Decimal) -> str:
    """`0.025` as `2.5%`."""
    return f"{(fraction * 100).normalize():f}%"


def counted(number: int, noun: str) -> str:
    """`1 milestone`, `6 milestones`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def with_text(description: str, text: str | None, joiner: str = ": ") -> str:
    """The description, followed by the actor's own words when there are any."""
    return f"{description}{joiner}{text}" if text else description


def context_of(event: Any, lookup: Lookup) -> Context:
    """The event's aggregate's context, as the trail knew it before the event."""
    return lookup.context(event.originator_id) or Context()


def _about(context: Context, description: str, reason: str | None = None, provider_id: UUID | None = None) -> Described:
    return Described(
        description,
        reason or None,
        context.programme_id,
        context.scheme_id,
        provider_id or context.provider_id,
        context.quarter,
    )


about = _about

# The describers live beside the aggregates they describe; importing them registers them.
from projections.audit import describe_events  # noqa: E402, F401
