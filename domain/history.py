"""Point in time: any aggregate as it stood at a moment, the exact evidence behind each assessment, and a quarter's
assessments as Corral knew them on a day or as they were effective on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEvent

from domain import ids
from domain.actors import Actor
from domain.application import Corral
from domain.errors import NotFoundError
from domain.evidence import Evidence, Figures
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
    restated: bool = False


DECISIONS = (QuarterReview.MilestoneAssessed, QuarterReview.AssessmentRevisedOnAppeal, QuarterReview.AssessmentRestated)


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
        if not isinstance(event, DECISIONS):
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
                restated=isinstance(event, QuarterReview.AssessmentRestated),
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


@dataclass(frozen=True)
class Standing:
    """One provider-milestone's assessment as a point-in-time read finds it: the figures it was judged on, the day
    it takes effect and when Corral recorded it."""

    assessment: Assessment
    figures: Figures | None
    effective_on: date
    recorded_at: datetime
    restated: bool
    reason: str  # why it was revised on appeal or restated; empty for a first assessment


def assessments_as_of(
    app: Corral, scheme_id: UUID, quarter: Quarter, known_at: datetime | None = None, effective_on: date | None = None
) -> list[Standing]:
    """Each provider-milestone's standing assessment: of the decisions recorded up to `known_at` (all, if none), the
    last recorded that takes effect on or before `effective_on` (any day, if none). An assessment takes effect on
    its quarter's first day; a restatement on the day it names, so it corrects the quarter from then on."""
    found: dict[tuple[UUID, str], Standing] = {}
    first_day: date | None = None
    for event in app.events.get(ids.quarter_review_id(scheme_id, quarter)):
        assert isinstance(event, DomainEvent)
        if isinstance(event, QuarterReview.Opened):
            first_day = quarter.first_day(app.programme(event.programme_id).contract_year)
        if known_at is not None and event.timestamp > known_at:
            break
        if not isinstance(event, DECISIONS) or first_day is None:
            continue
        assessment: Assessment = event.assessment
        effective = assessment.effective_on or first_day
        if effective_on is not None and effective > effective_on:
            continue
        restated = isinstance(event, QuarterReview.AssessmentRestated)
        key = (assessment.provider_id, assessment.milestone_code)
        reason = getattr(event, "reason", "")
        found[key] = Standing(assessment, _figures(app, assessment), effective, event.timestamp, restated, reason)
    return sorted(found.values(), key=lambda s: (str(s.assessment.provider_id), s.assessment.milestone_code))


def _figures(app: Corral, assessment: Assessment) -> Figures | None:
    """The figures an assessment was judged on: a restatement's corrected ones, else its evidence's."""
    entry = assessment.evidence_assessed
    if assessment.figures is not None or entry is None:
        return assessment.figures
    return _evidence_revision(app, entry.submission_id, entry.revision)[1].figures
