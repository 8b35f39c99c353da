"""Every event in plain English, naming organisations and schemes as they were just before it happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from domain.programme import Programme
from domain.assessment import Assessment
from domain.quarter_review import QuarterReview
from domain.scheme import Scheme
from domain.submission import Submission
from projections.audit.context import Acted, Context, Lookup, NewTerms, created_context
from projections.audit.phrasing import counted, departure, evidence_of, left_out, milestone_of, money, name_of
from projections.audit.phrasing import percent, programme_named, scheme_named, who, with_text


@dataclass(frozen=True)
class Described:
    """An event in plain English, the free text its actor gave, and what it concerns."""

    description: str
    reason: str | None = None
    programme_id: UUID | None = None
    scheme_id: UUID | None = None
    provider_id: UUID | None = None
    quarter: str | None = None


E = TypeVar("E", bound=Acted)
Describer = Callable[[E, Lookup], Described]
DESCRIBERS: dict[type[Any], Describer[Any]] = {}


def describes(event_class: type[E]) -> Callable[[Describer[E]], Describer[E]]:
    """Register the decorated function as the describer of one event class."""

    def register(describer: Describer[E]) -> Describer[E]:
        DESCRIBERS[event_class] = describer
        return describer

    return register


def describe(event: Acted, lookup: Lookup) -> Described:
    """The event in plain English; an event type without a describer still gets a plain line."""
    describer = DESCRIBERS.get(type(event))
    if describer is None:
        return about(context_of(event, lookup), f"{who(event, lookup)} recorded {type(event).__name__}")
    return describer(event, lookup)


def context_of(event: Acted, lookup: Lookup) -> Context:
    """The context of the event's aggregate as the trail knew it before the event."""
    return lookup.context(event.originator_id) or Context()


def about(context: Context, description: str, reason: str | None = None, provider_id: UUID | None = None) -> Described:
    """A description concerning the context's programme, scheme, provider and quarter."""
    provider = provider_id or context.provider_id
    return Described(description, reason or None, context.programme_id, context.scheme_id, provider, context.quarter)


# Programmes


@describes(Programme.SetUp)
def _set_up(e: Programme.SetUp, lookup: Lookup) -> Described:
    context = created_context(e)
    limit = "no limit" if e.schemes_per_lead is None else f"at most {counted(e.schemes_per_lead, 'scheme')}"
    text = (
        f"{who(e, lookup)} set up the {context.title} programme: Partially Met earns {e.partial_fraction}"
        f" of a milestone's value, and a provider may lead {limit}"
    )
    if e.continues is not None:
        text = f"{text}; it continues {programme_named(lookup, e.continues)}"
    return about(context, text)


def _terms(e: Programme.ProviderJoined | Programme.ProviderTermsRevised) -> str:
    return f"contract value {money(e.terms.contract_value)}, CQUIN rate {percent(e.terms.cquin_rate)}"


@describes(Programme.ProviderJoined)
def _provider_joined(e: Programme.ProviderJoined, lookup: Lookup) -> Described:
    provider, programme = name_of(lookup, e.terms.provider_id), programme_named(lookup, e.originator_id)
    text = f"{who(e, lookup)} added {provider} to {programme}: {_terms(e)}"
    return about(context_of(e, lookup), text, provider_id=e.terms.provider_id)


@describes(Programme.ProviderTermsRevised)
def _provider_terms_revised(e: Programme.ProviderTermsRevised, lookup: Lookup) -> Described:
    provider, programme = name_of(lookup, e.terms.provider_id), programme_named(lookup, e.originator_id)
    text = f"{who(e, lookup)} revised {provider}'s terms in {programme} to {_terms(e)}: {e.reason}"
    return about(context_of(e, lookup), text, e.reason, provider_id=e.terms.provider_id)


@describes(Programme.SchemeAdded)
def _scheme_added(e: Programme.SchemeAdded, lookup: Lookup) -> Described:
    scheme, programme = scheme_named(lookup, e.scheme_id), programme_named(lookup, e.originator_id)
    text = f"{who(e, lookup)} added {scheme} (code {e.code}) to {programme}"
    return Described(text, programme_id=e.originator_id, scheme_id=e.scheme_id)


@describes(Programme.LeadProviderDesignated)
def _lead_designated(e: Programme.LeadProviderDesignated, lookup: Lookup) -> Described:
    lead, scheme = name_of(lookup, e.provider_id), scheme_named(lookup, e.scheme_id)
    text = f"{who(e, lookup)} designated {lead} as lead provider of {scheme}"
    return Described(text, programme_id=e.originator_id, scheme_id=e.scheme_id, provider_id=e.provider_id)


@describes(Programme.LeadProviderRedesignated)
def _lead_redesignated(e: Programme.LeadProviderRedesignated, lookup: Lookup) -> Described:
    previous, lead = name_of(lookup, e.previous_provider_id), name_of(lookup, e.provider_id)
    text = f"{who(e, lookup)} re-designated the lead of {scheme_named(lookup, e.scheme_id)} from {previous} to {lead}"
    text = f"{text}: {e.reason}"
    return Described(text, e.reason, programme_id=e.originator_id, scheme_id=e.scheme_id, provider_id=e.provider_id)


# Schemes


@describes(Scheme.Drafted)
def _drafted(e: Scheme.Drafted, lookup: Lookup) -> Described:
    participants = counted(len(e.terms.participants), "participant")
    milestones = counted(len(e.terms.milestones), "milestone")
    text = (
        f"{who(e, lookup)} drafted '{e.terms.title}' (code {e.code}) in {programme_named(lookup, e.programme_id)}:"
        f" {participants}, {milestones}{left_out(e.terms, lookup)}"
    )
    if e.continues is not None:
        text = f"{text}; it continues {scheme_named(lookup, e.continues)} of last year"
    return about(created_context(e), text)


def _new_terms(e: NewTerms, lookup: Lookup, change: str) -> Described:
    """`change` names the scheme as {scheme} and the new terms version as {version}."""
    before = context_of(e, lookup)
    change = change.format(scheme=scheme_named(lookup, e.originator_id), version=before.terms_version + 1)
    retitled = f", now titled '{e.terms.title}'" if e.terms.title != before.title else ""
    return about(before, f"{who(e, lookup)} {change}{retitled}{left_out(e.terms, lookup)}: {e.reason}", e.reason)


@describes(Scheme.DraftAmended)
def _draft_amended(e: Scheme.DraftAmended, lookup: Lookup) -> Described:
    return _new_terms(e, lookup, "amended the draft of {scheme} to terms version {version}")


@describes(Scheme.VariationProposed)
def _variation_proposed(e: Scheme.VariationProposed, lookup: Lookup) -> Described:
    return _new_terms(e, lookup, "proposed a variation of {scheme} as terms version {version}")


@describes(Scheme.Signed)
def _signed(e: Scheme.Signed, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    signer = e.organisation_id
    text = f"{name_of(lookup, signer)} signed version {e.terms_version} of {scheme_named(lookup, e.originator_id)}"
    provider = None if signer == context.commissioner_id else signer
    return about(context, text, provider_id=provider)


@describes(Scheme.Agreed)
def _agreed(e: Scheme.Agreed, lookup: Lookup) -> Described:
    scheme = scheme_named(lookup, e.originator_id)
    text = f"{scheme} is agreed: every party has signed version {e.terms_version}, {who(e, lookup)} last"
    return about(context_of(e, lookup), text)


# Submissions


@describes(Submission.EvidenceSubmitted)
def _evidence_submitted(e: Submission.EvidenceSubmitted, lookup: Lookup) -> Described:
    context = created_context(e)
    return about(context, f"{who(e, lookup)} submitted {evidence_of(context, lookup, e, 1)}")


@describes(Submission.EvidenceRevised)
def _evidence_revised(e: Submission.EvidenceRevised, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    text = f"{who(e, lookup)} revised {evidence_of(context, lookup, e)} as revision {e.revision}: {e.reason}"
    return about(context, text, e.reason)


@describes(Submission.EvidenceWithdrawn)
def _evidence_withdrawn(e: Submission.EvidenceWithdrawn, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    text = f"{who(e, lookup)} withdrew {evidence_of(context, lookup, e, e.revision)}: {e.reason}"
    return about(context, text, e.reason)


@describes(Submission.EvidenceAcceptedByLead)
def _evidence_accepted(e: Submission.EvidenceAcceptedByLead, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    text = f"{who(e, lookup)} accepted {evidence_of(context, lookup, e, e.revision)} into the evidence pack"
    return about(context, with_text(text, e.comment, " with the comment: "), e.comment)


@describes(Submission.EvidenceReturnedByLead)
def _evidence_returned(e: Submission.EvidenceReturnedByLead, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    text = f"{who(e, lookup)} returned {evidence_of(context, lookup, e, e.revision)} with comments: {e.comments}"
    return about(context, text, e.comments)


@describes(Submission.EvidencePresented)
def _evidence_presented(e: Submission.EvidencePresented, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    evidence = evidence_of(context, lookup, e, e.revision)
    return about(context, f"{who(e, lookup)} presented {evidence} in evidence pack {e.pack_number}")


# Quarter reviews


def _quarter_of(context: Context, lookup: Lookup) -> str:
    return f"{context.quarter} of {scheme_named(lookup, context.scheme_id)}"


@describes(QuarterReview.Opened)
def _opened(e: QuarterReview.Opened, lookup: Lookup) -> Described:
    context = created_context(e)
    return about(context, f"{who(e, lookup)} opened the review of {_quarter_of(context, lookup)}")


@describes(QuarterReview.ProviderNudgedByLead)
def _nudged(e: QuarterReview.ProviderNudgedByLead, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    scheme = scheme_named(lookup, context.scheme_id)
    text = f"{who(e, lookup)} nudged {name_of(lookup, e.provider_id)} for its {context.quarter} evidence for {scheme}"
    return about(context, with_text(text, e.message), e.message, provider_id=e.provider_id)


@describes(QuarterReview.EvidencePackPresented)
def _pack_presented(e: QuarterReview.EvidencePackPresented, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    contents = f"{counted(len(e.entries), 'submission')}, {len(e.missing)} missing"
    text = f"{who(e, lookup)} presented evidence pack {e.pack_number} for {_quarter_of(context, lookup)}: {contents}"
    return about(context, text)


@describes(QuarterReview.EvidencePackQueried)
def _pack_queried(e: QuarterReview.EvidencePackQueried, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    pack = f"evidence pack {e.pack_number} for {_quarter_of(context, lookup)}"
    return about(context, f"{who(e, lookup)} queried {pack} back to the lead: {e.questions}", e.questions)


def _basis(assessment: Assessment) -> str:
    entry = assessment.evidence_assessed
    return f" on evidence revision {entry.revision}" if entry is not None else ""


@describes(QuarterReview.MilestoneAssessed)
def _assessed(e: QuarterReview.MilestoneAssessed, lookup: Lookup) -> Described:
    context, a = context_of(e, lookup), e.assessment
    milestone = milestone_of(context, lookup, a.provider_id, a.milestone_code)
    text = f"{who(e, lookup)} assessed {milestone} as {a.status.value}{_basis(a)}{departure(a)}: {a.rationale}"
    return about(context, text, a.rationale, provider_id=a.provider_id)


@describes(QuarterReview.AssessmentRevisedOnAppeal)
def _assessment_revised(e: QuarterReview.AssessmentRevisedOnAppeal, lookup: Lookup) -> Described:
    context, a = context_of(e, lookup), e.assessment
    milestone = milestone_of(context, lookup, a.provider_id, a.milestone_code)
    change = f"from {e.previous.status.value} to {a.status.value}{_basis(a)}{departure(a)}"
    text = f"{who(e, lookup)} revised on appeal the assessment of {milestone} {change}: {e.reason}"
    return about(context, f"{text} (rationale: {a.rationale})", e.reason, provider_id=a.provider_id)


@describes(QuarterReview.QuarterClosed)
def _closed(e: QuarterReview.QuarterClosed, lookup: Lookup) -> Described:
    context = context_of(e, lookup)
    return about(context, f"{who(e, lookup)} closed {_quarter_of(context, lookup)}, fixing its payments")
