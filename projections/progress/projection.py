"""Apply each event to the progress tables.

Writes are staged on the view and flushed once per batch, so a rebuild costs a few statements per
batch rather than several per event; reads go through `view.reader`, which flushes first.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from sqlalchemy import func, select

from domain.organisation import Organisation
from domain.programme import Programme, ProviderTerms
from domain.assessment import Assessment
from domain.evidence import Evidence
from domain.payment_rules import as_set_up
from domain.quarter_review import QuarterReview, ReviewStatus
from domain.scheme import Scheme, SchemeStatus, SchemeTerms
from domain.submission import Submission, SubmissionStatus
from projections.progress.closing import fix_closed_quarters
from projections.progress.pricing import reprice_open_quarters, rules_columns
from projections.progress.terms import Key, progress_key, reconcile_progress, record_draft, record_terms
from projections.progress.view import ProgressView
from projections.projection import ViewProjection


class ProgressProjection(ViewProjection[ProgressView]):
    """Keeps one row per agreed provider-milestone, with its evidence state and assessment."""

    def __init__(self, view: ProgressView) -> None:
        super().__init__(view)
        view.before_tracking.append(lambda: fix_closed_quarters(view))

    @classmethod
    def default_acts_on(cls) -> tuple[type, ...]:
        """None: only the events with handlers below change the progress."""
        return ()

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Events not listed below change nothing here."""

    @process_event.register
    def _(self, e: Organisation.Registered, tracking: Tracking) -> None:
        sector = e.sector.value if e.sector else None
        row = {"id": _id(e.originator_id), "name": e.name, "kind": e.kind.value, "sector": sector}
        self.view.stage(self.view.organisations, row)

    @process_event.register
    def _(self, e: Organisation.Renamed, tracking: Tracking) -> None:
        self.view.stage_update(self.view.organisations, {"id": _id(e.originator_id)}, name=e.name)

    @process_event.register
    def _(self, e: Organisation.SectorChanged, tracking: Tracking) -> None:
        self.view.stage_update(self.view.organisations, {"id": _id(e.originator_id)}, sector=e.sector.value)

    @process_event.register
    def _(self, e: Programme.SetUp, tracking: Tracking) -> None:
        row = {
            "id": _id(e.originator_id),
            "commissioner_id": _id(e.commissioner_id),
            "health_economy": e.health_economy,
            "contract_year": e.contract_year,
            "continues": None if e.continues is None else _id(e.continues),
        } | rules_columns(as_set_up(e.partial_fraction))
        self.view.stage(self.view.programmes, row)
        self.view.remember(("schemes in", row["id"]), 0)

    @process_event.register
    def _(self, e: Programme.Continued, tracking: Tracking) -> None:
        self.view.stage_update(
            self.view.programmes, {"id": _id(e.originator_id)}, continued_by=_id(e.next_programme_id)
        )

    @process_event.register
    def _(self, e: Programme.PaymentRulesAdopted, tracking: Tracking) -> None:
        fix_closed_quarters(self.view)
        reprice_open_quarters(self.view, _id(e.originator_id), e.rules)

    @process_event.register
    def _(self, e: Programme.ProviderJoined, tracking: Tracking) -> None:
        self.view.stage(self.view.providers, {"programme_id": _id(e.originator_id), **_terms(e.terms)})

    @process_event.register
    def _(self, e: Programme.ProviderTermsRevised, tracking: Tracking) -> None:
        fix_closed_quarters(self.view)
        terms = _terms(e.terms)
        key = {"programme_id": _id(e.originator_id), "provider_id": terms.pop("provider_id")}
        self.view.stage_update(self.view.providers, key, **terms)

    @process_event.register
    def _(self, e: Programme.SchemeAdded, tracking: Tracking) -> None:
        programme_id = _id(e.originator_id)
        ordinal = self._recall(("schemes in", programme_id), self._count_schemes, programme_id) + 1
        self.view.remember(("schemes in", programme_id), ordinal)
        self.view.stage_update(self.view.schemes, {"id": _id(e.scheme_id)}, ordinal=ordinal)

    @process_event.register
    def _(self, e: Programme.LeadProviderDesignated, tracking: Tracking) -> None:
        self.view.stage_update(self.view.schemes, {"id": _id(e.scheme_id)}, lead_id=_id(e.provider_id))

    @process_event.register
    def _(self, e: Programme.LeadProviderRedesignated, tracking: Tracking) -> None:
        self.view.stage_update(self.view.schemes, {"id": _id(e.scheme_id)}, lead_id=_id(e.provider_id))

    @process_event.register
    def _(self, e: Scheme.Drafted, tracking: Tracking) -> None:
        row = {"id": _id(e.originator_id), "programme_id": _id(e.programme_id), "ordinal": 0, "code": e.code}
        record_draft(self.view, row | {"title": e.terms.title, "status": SchemeStatus.DRAFT.value}, e.terms)

    @process_event.register
    def _(self, e: Scheme.DraftAmended, tracking: Tracking) -> None:
        self._new_terms(_id(e.originator_id), e.terms, SchemeStatus.DRAFT)

    @process_event.register
    def _(self, e: Scheme.VariationProposed, tracking: Tracking) -> None:
        self._new_terms(_id(e.originator_id), e.terms, SchemeStatus.VARYING)

    @process_event.register
    def _(self, e: Scheme.Agreed, tracking: Tracking) -> None:
        fix_closed_quarters(self.view)
        scheme_id = _id(e.originator_id)
        self.view.stage_update(
            self.view.schemes, {"id": scheme_id}, status=SchemeStatus.AGREED.value, agreed_version=e.terms_version
        )
        reconcile_progress(self.view, scheme_id, e.terms_version)

    @process_event.register
    def _(self, e: Submission.EvidenceSubmitted, tracking: Tracking) -> None:
        key = {"scheme_id": _id(e.scheme_id), "provider_id": _id(e.provider_id), "milestone_code": e.milestone_code}
        self.view.remember(("submission", e.originator_id), key)
        values = {"submission_id": _id(e.originator_id), "state": SubmissionStatus.SUBMITTED.value, "revision": 1}
        values["late"] = e.late
        self.view.stage_update(self.view.progress, key, last_action_at=e.timestamp, **values, **_figures(e.evidence))

    @process_event.register
    def _(self, e: Submission.EvidenceRevised, tracking: Tracking) -> None:
        values = {"revision": e.revision, "late": e.late, **_figures(e.evidence)}
        self._submission(e, state=SubmissionStatus.SUBMITTED.value, **values)

    @process_event.register
    def _(self, e: Submission.EvidenceWithdrawn, tracking: Tracking) -> None:
        self._submission(e, state=SubmissionStatus.WITHDRAWN.value)

    @process_event.register
    def _(self, e: Submission.EvidenceAcceptedByLead, tracking: Tracking) -> None:
        self._submission(e, state=SubmissionStatus.ACCEPTED.value)

    @process_event.register
    def _(self, e: Submission.EvidenceReturnedByLead, tracking: Tracking) -> None:
        self._submission(e, state=SubmissionStatus.RETURNED.value, lead_comments=e.comments)

    @process_event.register
    def _(self, e: Submission.EvidencePresented, tracking: Tracking) -> None:
        self._submission(e, state=SubmissionStatus.PRESENTED.value)

    @process_event.register
    def _(self, e: Submission.EvidenceCalledIn, tracking: Tracking) -> None:
        self._submission(e, state=SubmissionStatus.CALLED_IN.value)

    @process_event.register
    def _(self, e: QuarterReview.Opened, tracking: Tracking) -> None:
        row = {"id": _id(e.originator_id), "scheme_id": _id(e.scheme_id), "quarter": e.quarter.value}
        self.view.stage(self.view.reviews, row | {"status": ReviewStatus.OPEN.value, "pack_number": 0})
        self.view.remember(("review", row["id"]), (row["scheme_id"], row["quarter"]))

    @process_event.register
    def _(self, e: QuarterReview.ProviderNudgedByLead, tracking: Tracking) -> None:
        scheme_id, quarter = self._review(_id(e.originator_id))
        row = {"position": tracking.notification_id, "scheme_id": scheme_id, "quarter": quarter}
        details = {"provider_id": _id(e.provider_id), "nudged_at": e.timestamp, "nudged_by": e.actor.user_id}
        self.view.stage(self.view.nudges, row | details | {"message": e.message})

    @process_event.register
    def _(self, e: QuarterReview.EvidencePackPresented, tracking: Tracking) -> None:
        self._update_review(e, status=ReviewStatus.PRESENTED.value, pack_number=e.pack_number, presented_at=e.timestamp)

    @process_event.register
    def _(self, e: QuarterReview.EvidencePackQueried, tracking: Tracking) -> None:
        self._update_review(e, status=ReviewStatus.QUERIED.value, queried_at=e.timestamp, questions=e.questions)

    @process_event.register
    def _(self, e: QuarterReview.MilestoneAssessed, tracking: Tracking) -> None:
        self._assess(_id(e.originator_id), e.assessment, e.timestamp, revised=False)

    @process_event.register
    def _(self, e: QuarterReview.AssessmentRevisedOnAppeal, tracking: Tracking) -> None:
        self._assess(_id(e.originator_id), e.assessment, e.timestamp, revised=True)

    @process_event.register
    def _(self, e: QuarterReview.AssessmentRestated, tracking: Tracking) -> None:
        scheme_id, a = self._review(_id(e.originator_id))[0], e.assessment
        self.view.stage_update(
            self.view.progress,
            progress_key(scheme_id, _id(a.provider_id), a.milestone_code),
            restated_assessment=a.status.value,
            restated_achievement=a.achievement,
            restated_reason=e.reason,
            restated_effective_on=a.effective_on,
            restated_at=e.timestamp,
        )

    @process_event.register
    def _(self, e: QuarterReview.QuarterClosed, tracking: Tracking) -> None:
        self._update_review(e, status=ReviewStatus.CLOSED.value, closed_at=e.timestamp)
        closing: tuple[tuple[str, str], ...] = self.view.recall("closing", ())
        self.view.remember("closing", (*closing, self._review(_id(e.originator_id))))

    def _new_terms(self, scheme_id: str, terms: SchemeTerms, status: SchemeStatus) -> None:
        version = self._recall(("terms version", scheme_id), self._terms_version, scheme_id) + 1
        self.view.remember(("terms version", scheme_id), version)
        self.view.stage_update(
            self.view.schemes, {"id": scheme_id}, title=terms.title, terms_version=version, status=status.value
        )
        record_terms(self.view, scheme_id, version, terms)

    def _submission(self, e: Any, **values: Any) -> None:
        key: Key | None = self.view.recall(("submission", e.originator_id))
        if key is None:
            t = self.view.progress
            row = self.view.reader.execute(
                select(t.c.scheme_id, t.c.provider_id, t.c.milestone_code).where(
                    t.c.submission_id == _id(e.originator_id)
                )
            ).one()
            key = progress_key(row.scheme_id, row.provider_id, row.milestone_code)
            self.view.remember(("submission", e.originator_id), key)
        self.view.stage_update(self.view.progress, key, last_action_at=e.timestamp, **values)

    def _review(self, review_id: str) -> tuple[str, str]:
        found: tuple[str, str] | None = self.view.recall(("review", review_id))
        if found is None:
            t = self.view.reviews
            row = self.view.reader.execute(select(t.c.scheme_id, t.c.quarter).where(t.c.id == review_id)).one()
            found = (row.scheme_id, row.quarter)
            self.view.remember(("review", review_id), found)
        return found

    def _update_review(self, e: Any, **values: Any) -> None:
        self.view.stage_update(self.view.reviews, {"id": _id(e.originator_id)}, **values)

    def _assess(self, review_id: str, assessment: Assessment, at: Any, revised: bool) -> None:
        scheme_id, _ = self._review(review_id)
        entry = assessment.evidence_assessed
        self.view.stage_update(
            self.view.progress,
            progress_key(scheme_id, _id(assessment.provider_id), assessment.milestone_code),
            assessment=assessment.status.value,
            achievement=assessment.achievement,
            assessed_revision=entry.revision if entry else None,
            assessed_at=at,
            revised_on_appeal=revised,
            override_reason=assessment.override_reason or None,
            figures_share=assessment.figures_share,
        )

    def _recall(self, key: Any, load: Any, *args: Any) -> int:
        found: int | None = self.view.recall(key)
        return load(*args) if found is None else found

    def _count_schemes(self, programme_id: str) -> int:
        t = self.view.schemes
        count: int = self.view.reader.execute(
            select(func.count()).select_from(t).where(t.c.programme_id == programme_id, t.c.ordinal > 0)
        ).scalar_one()
        return count

    def _terms_version(self, scheme_id: str) -> int:
        t = self.view.schemes
        version: int = self.view.reader.execute(select(t.c.terms_version).where(t.c.id == scheme_id)).scalar_one()
        return version


def _id(value: UUID) -> str:
    return str(value)


def _terms(terms: ProviderTerms) -> dict[str, Any]:
    return {
        "provider_id": _id(terms.provider_id),
        "contract_value": terms.contract_value,
        "cquin_rate": terms.cquin_rate,
    }


def _figures(evidence: Evidence) -> dict[str, Any]:
    figures = evidence.figures
    return {
        "numerator_value": figures.numerator if figures else None,
        "denominator_value": figures.denominator if figures else None,
    }
