"""From an event to what each organisation's webhooks are told of it: the kind, and only what that organisation may
read. Pure: it reads the event and the facts the view holds as they stood when it happened.

Who is told follows the read rules of projections/progress/queries/access.py, applied to an organisation:
- a submission returned: its provider, the scheme's lead and the commissioner (who may read that submission);
- a pack presented: the commissioner and the lead whole, each other participant its own part (`pack_part`);
- an assessment, its revision on appeal or a restatement: the commissioner, the provider assessed and the lead (an
  assessment's history);
- a quarter closed: the commissioner and every participant (progress is shared);
- a statement issued: the commissioner and that provider (`may_see_money_of`).
These are decided from the facts as they stood when the event happened (so a rebuild queues the same deliveries),
not from the progress view, which may be at another position; tests/integration/test_webhook_rules.py checks that
every organisation is told exactly what those read rules let its staff read.
Payloads carry ids, names, statuses and the quarter; never evidence (narrative, figures, files), comments, rationale
or money.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from domain.quarter_review import QuarterReview
from domain.statement import Statement
from domain.submission import Submission
from domain.webhook import WebhookKind
from projections.by_event import ByEventClass
from projections.notifications.notices import SubmissionFacts


@dataclass(frozen=True)
class Parties:
    """A scheme as the rules need it: its title, commissioner, lead and participants in its agreed terms."""

    scheme_id: UUID
    title: str
    commissioner_id: UUID
    lead_id: UUID | None
    participants: frozenset[UUID]


@dataclass(frozen=True)
class Told:
    """What one organisation's endpoints for `kind` are told of an event."""

    kind: WebhookKind
    organisation_id: UUID
    data: dict[str, Any]


class Facts(Protocol):
    """What the view knows from earlier events."""

    def organisation(self, organisation_id: UUID) -> str:
        """The organisation's name as it stands."""

    def scheme(self, scheme_id: UUID) -> Parties:
        """The scheme's parties as they stand."""

    def submission(self, submission_id: UUID) -> SubmissionFacts:
        """SubmissionFacts a submission is."""

    def review(self, review_id: UUID) -> tuple[UUID, str]:
        """The scheme and quarter of a review."""

    def commissioner_of(self, programme_id: UUID) -> UUID:
        """The programme's commissioner."""


TELLERS: ByEventClass[Told] = ByEventClass()
tells = TELLERS.of  # registers a function as what these event classes tell


def told(event: Any, facts: Facts) -> list[Told]:
    """What each organisation is told of an event, in a fixed order (none for an event no webhook tells of)."""
    return TELLERS(event, facts)


def _scheme(facts: Facts, parties: Parties, quarter: str) -> dict[str, Any]:
    return {"scheme_id": str(parties.scheme_id), "scheme_title": parties.title, "quarter": quarter}


def _organisation(facts: Facts, organisation_id: UUID, role: str) -> dict[str, Any]:
    return {f"{role}_id": str(organisation_id), f"{role}_name": facts.organisation(organisation_id)}


def _each(kind: WebhookKind, data: dict[str, Any], *readers: UUID | None) -> list[Told]:
    """The same data for each reader named, each once, in the order named."""
    return [Told(kind, reader, data) for reader in dict.fromkeys(r for r in readers if r is not None)]


@tells(Submission.EvidenceReturnedByLead)
def _returned(e: Submission.EvidenceReturnedByLead, facts: Facts) -> list[Told]:
    whose = facts.submission(e.originator_id)
    parties = facts.scheme(whose.scheme_id)
    data = _scheme(facts, parties, whose.quarter) | _organisation(facts, whose.provider_id, "provider")
    data |= {"submission_id": str(e.originator_id), "milestone_code": whose.milestone_code, "revision": e.revision}
    data |= {"status": "returned"}
    readers = (parties.commissioner_id, parties.lead_id, whose.provider_id)
    return _each(WebhookKind.SUBMISSION_RETURNED, data, *readers)


@tells(QuarterReview.EvidencePackPresented)
def _presented(e: QuarterReview.EvidencePackPresented, facts: Facts) -> list[Told]:
    scheme_id, quarter = facts.review(e.originator_id)
    parties = facts.scheme(scheme_id)
    data = _scheme(facts, parties, quarter) | {"pack_number": e.pack_number}

    def entries(of: UUID | None) -> list[dict[str, Any]]:
        return [
            {
                "submission_id": str(entry.submission_id),
                "provider_id": str(entry.provider_id),
                "milestone_code": entry.milestone_code,
                "revision": entry.revision,
            }
            for entry in e.entries
            if of is None or entry.provider_id == of
        ]

    whole = _each(
        WebhookKind.PACK_PRESENTED, data | {"entries": entries(None)}, parties.commissioner_id, parties.lead_id
    )
    parts = [
        Told(WebhookKind.PACK_PRESENTED, provider_id, data | {"entries": entries(provider_id)})
        for provider_id in sorted(parties.participants, key=str)
        if provider_id != parties.lead_id
    ]
    return whole + parts


@tells(QuarterReview.MilestoneAssessed, QuarterReview.AssessmentRevisedOnAppeal, QuarterReview.AssessmentRestated)
def _assessed(e: Any, facts: Facts) -> list[Told]:
    scheme_id, quarter = facts.review(e.originator_id)
    parties, a = facts.scheme(scheme_id), e.assessment
    decision = {
        QuarterReview.MilestoneAssessed: "assessed",
        QuarterReview.AssessmentRevisedOnAppeal: "revised on appeal",
        QuarterReview.AssessmentRestated: "restated",
    }[type(e)]
    data = _scheme(facts, parties, quarter) | _organisation(facts, a.provider_id, "provider")
    data |= {"milestone_code": a.milestone_code, "status": a.status.value, "decision": decision}
    return _each(WebhookKind.MILESTONE_ASSESSED, data, parties.commissioner_id, parties.lead_id, a.provider_id)


@tells(QuarterReview.QuarterClosed)
def _closed(e: QuarterReview.QuarterClosed, facts: Facts) -> list[Told]:
    scheme_id, quarter = facts.review(e.originator_id)
    parties = facts.scheme(scheme_id)
    data = _scheme(facts, parties, quarter) | {"status": "closed"}
    participants = sorted(parties.participants, key=str)
    return _each(WebhookKind.QUARTER_CLOSED, data, parties.commissioner_id, parties.lead_id, *participants)


@tells(Statement.StatementIssued)
def _issued(e: Statement.StatementIssued, facts: Facts) -> list[Told]:
    data = {"statement_id": str(e.originator_id), "programme_id": str(e.programme_id), "month": e.month}
    data |= _organisation(facts, e.provider_id, "provider")
    return _each(WebhookKind.STATEMENT_ISSUED, data, facts.commissioner_of(e.programme_id), e.provider_id)
