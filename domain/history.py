"""Point in time: any aggregate as it stood at a moment, and the exact evidence behind each assessment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEvent

from domain import ids
from domain.actors import Actor
from domain.application import Corral
from domain.errors import NotFoundError
from domain.evidence import Evidence
from domain.milestones import Quarter
from domain.assessment import Assessment
from domain.quarter_review import QuarterReview
from domain.submission import Submission


def as_of(app: Corral, aggregate_id: UUID, when: datetime) -> Aggregate:
    """The aggregate rebuilt from its events up to and including `when`."""
    version = None
    for event in app.events.get(aggregate_id):
        assert isinstance(event, DomainEvent)
        if event.timestamp > when:
            break
        version = event.originator_version
    if version is None:
        raise NotFoundError(f"it did not exist yet at {when.isoformat(sep=' ', timespec='seconds')}")
    aggregate: Aggregate = app.repository.get(aggregate_id, version=version)
    return aggregate


@dataclass(frozen=True)
class AssessedEvidence:
    """One assessment or revision on appeal, and the evidence exactly as the commissioner saw it."""

    assessment: Assessment
    assessed_at: datetime
    assessed_by: Actor
    revised_on_appeal: bool
    reason: str
    review_version: int
    submission_id: UUID | None
    submission_version: int | None
    evidence: Evidence | None


def assessment_history(
    app: Corral,
    scheme_id: UUID,
    quarter: Quarter,
    provider_id: UUID,
    milestone_code: str,
    up_to_version: int | None = None,
) -> list[AssessedEvidence]:
    """Every decision on one provider-milestone, oldest first, each with the evidence revision it was based on;
    with `up_to_version`, only those the quarter's review recorded up to that version."""
    history = []
    for event in app.events.get(ids.quarter_review_id(scheme_id, quarter), lte=up_to_version):
        if not isinstance(event, (QuarterReview.MilestoneAssessed, QuarterReview.AssessmentRevisedOnAppeal)):
            continue
        assessment: Assessment = event.assessment
        if assessment.provider_id != provider_id or assessment.milestone_code != milestone_code:
            continue
        entry = assessment.evidence_assessed
        version, evidence = _evidence_revision(app, entry.submission_id, entry.revision) if entry else (None, None)
        history.append(
            AssessedEvidence(
                assessment=assessment,
                assessed_at=event.timestamp,
                assessed_by=event.actor,
                revised_on_appeal=isinstance(event, QuarterReview.AssessmentRevisedOnAppeal),
                reason=getattr(event, "reason", ""),
                review_version=event.originator_version,
                submission_id=entry.submission_id if entry else None,
                submission_version=version,
                evidence=evidence,
            )
        )
    return history


def _evidence_revision(app: Corral, submission_id: UUID, revision: int) -> tuple[int, Evidence]:
    """The submission version that recorded `revision`, and that revision's evidence, from the events alone."""
    for event in app.events.get(submission_id):
        if isinstance(event, Submission.EvidenceSubmitted) and revision == 1:
            return event.originator_version, event.evidence
        if isinstance(event, Submission.EvidenceRevised) and event.revision == revision:
            return event.originator_version, event.evidence
    raise NotFoundError(f"the submission has no revision {revision}")
