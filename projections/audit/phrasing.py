"""The phrases descriptions are built from: names at the time, evidence, milestones and money."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from domain.achievement import as_percent
from domain.actors import OPERATOR_PREFIX, Role
from domain.account_rules import named
from domain.assessment import Assessment
from domain.scheme_terms import SchemeTerms
from projections.audit.context import Acted, Context, Lookup


def who(event: Acted, lookup: Lookup) -> str:
    """The acting organisation's name; the platform operator by login; an administrator or a stranger by user id;
    an API client by its name, as its organisation's."""
    actor = event.actor
    if actor.is_client:
        return f"{name_of(lookup, actor.organisation_id)}'s API client {person_named(lookup, actor.user_id)}"
    if actor.role is Role.OPERATOR:
        return f"Platform operator {actor.user_id.removeprefix(OPERATOR_PREFIX)}"
    if actor.role is Role.ADMINISTRATOR:
        return f"Administrator {person_named(lookup, actor.user_id)}"
    known = lookup.organisation(actor.organisation_id)
    return known.name if known is not None else actor.user_id


def person_named(lookup: Lookup, username: str) -> str:
    """A user by the name they go by, beside their username."""
    return named(lookup.person(username), username)


def name_of(lookup: Lookup, organisation_id: UUID | None) -> str:
    """An organisation's name at the time, or its id if the trail never saw it registered."""
    known = None if organisation_id is None else lookup.organisation(organisation_id)
    return known.name if known is not None else f"organisation {organisation_id}"


def scheme_named(lookup: Lookup, scheme_id: UUID | None) -> str:
    """A scheme's title in quotes, as it stood at the time."""
    context = None if scheme_id is None else lookup.context(scheme_id)
    return f"'{context.title}'" if context is not None and context.title else f"scheme {scheme_id}"


def programme_named(lookup: Lookup, programme_id: UUID | None) -> str:
    """`the South Devon and Torbay 2014/15 programme`."""
    context = None if programme_id is None else lookup.context(programme_id)
    return f"the {context.title} programme" if context is not None else f"programme {programme_id}"


def left_out(terms: SchemeTerms, lookup: Lookup) -> str:
    """`; left out: Mount Stuart Hospital (only schemes relevant to its NHS patients)`, or nothing."""
    if not terms.exclusions:
        return ""
    return "; left out: " + ", ".join(f"{name_of(lookup, x.provider_id)} ({x.reason})" for x in terms.exclusions)


def evidence_of(context: Context, lookup: Lookup, event: Acted, revision: int | None = None) -> str:
    """`<provider>'s Q2 evidence for '<scheme>' (revision 1)`; `its …` when the provider itself acts."""
    provider = context.provider_id
    whose = "its" if provider == event.actor.organisation_id else f"{name_of(lookup, provider)}'s"
    details = [f"milestone {context.code}"] if context.code and context.code != context.quarter else []
    details += [f"revision {revision}"] if revision is not None else []
    suffix = f" ({', '.join(details)})" if details else ""
    return f"{whose} {context.quarter} evidence for {scheme_named(lookup, context.scheme_id)}{suffix}"


def milestone_of(context: Context, lookup: Lookup, provider_id: UUID, code: str) -> str:
    """`<provider>'s Q2 milestone for '<scheme>'`, naming the milestone when its code is not the quarter's."""
    named = f" {code}" if code != context.quarter else ""
    scheme = scheme_named(lookup, context.scheme_id)
    return f"{name_of(lookup, provider_id)}'s {context.quarter} milestone{named} for {scheme}"


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


def departure(assessment: Assessment) -> str:
    """Where an assessment departs from the share its figures gave: that share and why; else nothing."""
    if not assessment.overridden:
        return ""
    share = "" if assessment.figures_share is None else f" of {as_percent(assessment.figures_share)}"
    return f", departing from the share{share} its figures gave (why: {assessment.override_reason})"
