"""Point in time for evidence packs: which recorded events make pack N of a scheme-quarter, read from the events alone.

Pack N is its presentation, the submission revisions it pins (each with the lead's acceptance), and the queries and
decisions recorded after it, up to the next presentation of that quarter or the quarter's close. Nothing later is
read, so a pack once followed by another, or closed, never changes: a restatement after the close corrects the
payments and shows in the audit trail, and leaves the pack as the quarter closed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent

from domain import ids
from domain.application import Corral
from domain.errors import NotFoundError
from domain.evidence import Evidence
from domain.evidence_pack import EvidencePack, PackEntry
from domain.history import AssessedEvidence, assessment_history
from domain.milestones import Quarter
from domain.quarter_review import QuarterReview
from domain.submission import Submission


@dataclass(frozen=True)
class Source:
    """The event a fact comes from: which aggregate and version, who recorded it for which organisation, and when."""

    originator_id: UUID
    version: int
    organisation_id: UUID
    username: str
    at: datetime

    @classmethod
    def of(cls, event: Any) -> Source:
        """The source of an event that names its actor."""
        actor = getattr(event, "actor")
        return cls(event.originator_id, event.originator_version, actor.organisation_id, actor.user_id, event.timestamp)


@dataclass(frozen=True)
class PresentedRevision:
    """One pinned submission revision: its evidence, who submitted it, and the lead's acceptance of it."""

    entry: PackEntry
    evidence: Evidence
    late: bool
    submitted: Source
    accepted: Source | None
    lead_comment: str


@dataclass(frozen=True)
class PackQuery:
    """The commissioner's questions sending the pack back to the lead."""

    questions: str
    source: Source


@dataclass(frozen=True)
class PackRecord:
    """Everything recorded as pack N, and the last event it includes (its point in time)."""

    scheme_id: UUID
    quarter: Quarter
    pack: EvidencePack
    presented: Source
    entries: tuple[PresentedRevision, ...]
    queries: tuple[PackQuery, ...]
    decisions: tuple[tuple[AssessedEvidence, Source], ...]
    last: Source


def presented_packs(app: Corral, scheme_id: UUID, quarter: Quarter) -> list[Source]:
    """The presentation of each pack of the scheme-quarter, pack 1 first."""
    return [Source.of(e) for e in app.events.get(ids.quarter_review_id(scheme_id, quarter)) if _is_presentation(e)]


def pack_record(app: Corral, scheme_id: UUID, quarter: Quarter, number: int) -> PackRecord:
    """Pack `number` as it was presented, with what followed it until the next presentation; NotFoundError if the
    pack was never presented."""
    events: list[Any] = list(app.events.get(ids.quarter_review_id(scheme_id, quarter)))
    start = next((i for i, e in enumerate(events) if _is_presentation(e) and e.pack_number == number), None)
    if start is None:
        raise NotFoundError(f"no pack {number} was presented for {quarter.value}")
    end = next((i for i in range(start + 1, len(events)) if _ends_pack(events[i])), None)
    # The next presentation belongs to the next pack; the close belongs to this one.
    stop = len(events) if end is None else end if _is_presentation(events[end]) else end + 1
    presented, included = events[start], events[start:stop]
    assert isinstance(presented, QuarterReview.EvidencePackPresented)
    bound = included[-1].originator_version
    entries = tuple(_presented_revision(app, entry, presented.timestamp) for entry in presented.entries)
    decided_keys = {key for e in included if (key := _decided_key(e)) is not None}
    decided = [
        decision
        for provider_id, code in decided_keys
        for decision in assessment_history(app, scheme_id, quarter, provider_id, code, up_to_version=bound)
        if decision.review_version > presented.originator_version
    ]
    return PackRecord(
        scheme_id=scheme_id,
        quarter=quarter,
        pack=EvidencePack(presented.pack_number, tuple(presented.entries), tuple(presented.missing)),
        presented=Source.of(presented),
        entries=entries,
        queries=tuple(
            PackQuery(e.questions, Source.of(e)) for e in included if isinstance(e, QuarterReview.EvidencePackQueried)
        ),
        decisions=tuple(
            (d, _decided_by(presented.originator_id, d)) for d in sorted(decided, key=lambda d: d.review_version)
        ),
        last=Source.of(included[-1]),
    )


def _ends_pack(event: object) -> bool:
    return _is_presentation(event) or isinstance(event, QuarterReview.QuarterClosed)


def _is_presentation(event: object) -> bool:
    return isinstance(event, QuarterReview.EvidencePackPresented)


def _decided_key(event: object) -> tuple[UUID, str] | None:
    """The provider-milestone an assessment or revision on appeal decides."""
    if isinstance(event, (QuarterReview.MilestoneAssessed, QuarterReview.AssessmentRevisedOnAppeal)):
        return event.assessment.provider_id, event.assessment.milestone_code
    return None


def _decided_by(review_id: UUID, decision: AssessedEvidence) -> Source:
    """The source of a decision: the review's event that recorded it."""
    actor = decision.assessed_by
    return Source(review_id, decision.review_version, actor.organisation_id, actor.user_id, decision.assessed_at)


def _presented_revision(app: Corral, entry: PackEntry, presented_at: datetime) -> PresentedRevision:
    """The pinned revision's evidence and who submitted it, and the lead's last acceptance of it before the pack."""
    recorded: Submission.EvidenceSubmitted | Submission.EvidenceRevised | None = None
    accepted: Submission.EvidenceAcceptedByLead | None = None
    for event in app.events.get(entry.submission_id):
        assert isinstance(event, DomainEvent)
        if event.timestamp > presented_at:
            break
        if isinstance(event, Submission.EvidenceSubmitted) and entry.revision == 1:
            recorded = event
        elif isinstance(event, Submission.EvidenceRevised) and event.revision == entry.revision:
            recorded = event
        elif isinstance(event, Submission.EvidenceAcceptedByLead) and event.revision == entry.revision:
            accepted = event
    if recorded is None:
        raise NotFoundError(f"the submission has no revision {entry.revision}")
    return PresentedRevision(
        entry=entry,
        evidence=recorded.evidence,
        late=recorded.late,
        submitted=Source.of(recorded),
        accepted=Source.of(accepted) if accepted is not None else None,
        lead_comment=accepted.comment if accepted is not None else "",
    )
