"""Apply each event to the progress tables."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from sqlalchemy import and_, delete, insert, select, update

from domain.organisation import Organisation
from domain.programme import Programme, ProviderTerms
from domain.quarter_review import Assessment, QuarterReview
from domain.scheme import Scheme, SchemeTerms
from domain.submission import Submission, SubmissionStatus
from projections.progress.view import ProgressView
from projections.projection import ViewProjection


class ProgressProjection(ViewProjection[ProgressView]):
    """Keeps one row per agreed provider-milestone, with its evidence state and assessment."""

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Events not listed below change nothing here."""

    @process_event.register
    def _(self, e: Organisation.Registered, tracking: Tracking) -> None:
        self._insert(self.view.organisations, id=_id(e.originator_id), name=e.name, kind=e.kind.value)

    @process_event.register
    def _(self, e: Organisation.Renamed, tracking: Tracking) -> None:
        t = self.view.organisations
        self.view.conn.execute(update(t).where(t.c.id == _id(e.originator_id)).values(name=e.name))

    @process_event.register
    def _(self, e: Programme.SetUp, tracking: Tracking) -> None:
        self._insert(
            self.view.programmes,
            id=_id(e.originator_id),
            commissioner_id=_id(e.commissioner_id),
            health_economy=e.health_economy,
            contract_year=e.contract_year,
            partial_fraction=e.partial_fraction,
        )

    @process_event.register
    def _(self, e: Programme.ProviderJoined, tracking: Tracking) -> None:
        self._insert(self.view.providers, programme_id=_id(e.originator_id), **_terms(e.terms))

    @process_event.register
    def _(self, e: Programme.ProviderTermsRevised, tracking: Tracking) -> None:
        t = self.view.providers
        where = and_(t.c.programme_id == _id(e.originator_id), t.c.provider_id == _id(e.terms.provider_id))
        self.view.conn.execute(update(t).where(where).values(**_terms(e.terms)))

    @process_event.register
    def _(self, e: Programme.SchemeAdded, tracking: Tracking) -> None:
        t = self.view.schemes
        count = self.view.conn.execute(select(t.c.id).where(t.c.programme_id == _id(e.originator_id))).all()
        self.view.conn.execute(update(t).where(t.c.id == _id(e.scheme_id)).values(ordinal=len(count)))

    @process_event.register
    def _(self, e: Programme.LeadProviderDesignated, tracking: Tracking) -> None:
        self._set_lead(e.scheme_id, e.provider_id)

    @process_event.register
    def _(self, e: Programme.LeadProviderRedesignated, tracking: Tracking) -> None:
        self._set_lead(e.scheme_id, e.provider_id)

    @process_event.register
    def _(self, e: Scheme.Drafted, tracking: Tracking) -> None:
        self._insert(
            self.view.schemes,
            id=_id(e.originator_id),
            programme_id=_id(e.programme_id),
            ordinal=0,
            code=e.code,
            title=e.terms.title,
            status="draft",
            terms_version=1,
        )
        self._record_terms(e.originator_id, 1, e.terms)

    @process_event.register
    def _(self, e: Scheme.DraftAmended, tracking: Tracking) -> None:
        self._new_terms(e.originator_id, e.terms, "draft")

    @process_event.register
    def _(self, e: Scheme.VariationProposed, tracking: Tracking) -> None:
        self._new_terms(e.originator_id, e.terms, "varying")

    @process_event.register
    def _(self, e: Scheme.Agreed, tracking: Tracking) -> None:
        scheme_id = _id(e.originator_id)
        t = self.view.schemes
        self.view.conn.execute(
            update(t).where(t.c.id == scheme_id).values(status="agreed", agreed_version=e.terms_version)
        )
        self._reconcile_progress(scheme_id, e.terms_version)

    @process_event.register
    def _(self, e: Submission.EvidenceSubmitted, tracking: Tracking) -> None:
        t = self.view.progress
        where = and_(
            t.c.scheme_id == _id(e.scheme_id),
            t.c.provider_id == _id(e.provider_id),
            t.c.milestone_code == e.milestone_code,
        )
        values = {"submission_id": _id(e.originator_id), "state": SubmissionStatus.SUBMITTED.value, "revision": 1}
        self.view.conn.execute(update(t).where(where).values(last_action_at=e.timestamp, **values))

    @process_event.register
    def _(self, e: Submission.EvidenceRevised, tracking: Tracking) -> None:
        self._submission(e, state=SubmissionStatus.SUBMITTED.value, revision=e.revision)

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
    def _(self, e: QuarterReview.Opened, tracking: Tracking) -> None:
        values = {"scheme_id": _id(e.scheme_id), "quarter": e.quarter.value, "status": "open", "pack_number": 0}
        self._insert(self.view.reviews, id=_id(e.originator_id), **values)
        self.view.remember(("review", e.originator_id), (values["scheme_id"], values["quarter"]))

    @process_event.register
    def _(self, e: QuarterReview.ProviderNudgedByLead, tracking: Tracking) -> None:
        scheme_id, quarter = self._review(e.originator_id)
        self._insert(
            self.view.nudges,
            position=tracking.notification_id,
            scheme_id=scheme_id,
            quarter=quarter,
            provider_id=_id(e.provider_id),
            nudged_at=e.timestamp,
            nudged_by=e.actor.user_id,
            message=e.message,
        )

    @process_event.register
    def _(self, e: QuarterReview.EvidencePackPresented, tracking: Tracking) -> None:
        self._update_review(e.originator_id, status="presented", pack_number=e.pack_number, presented_at=e.timestamp)

    @process_event.register
    def _(self, e: QuarterReview.EvidencePackQueried, tracking: Tracking) -> None:
        self._update_review(e.originator_id, status="queried", queried_at=e.timestamp, questions=e.questions)

    @process_event.register
    def _(self, e: QuarterReview.MilestoneAssessed, tracking: Tracking) -> None:
        self._assess(e.originator_id, e.assessment, e.timestamp, revised=False)

    @process_event.register
    def _(self, e: QuarterReview.AssessmentRevisedOnAppeal, tracking: Tracking) -> None:
        self._assess(e.originator_id, e.assessment, e.timestamp, revised=True)

    @process_event.register
    def _(self, e: QuarterReview.QuarterClosed, tracking: Tracking) -> None:
        self._update_review(e.originator_id, status="closed", closed_at=e.timestamp)

    def _insert(self, table: Any, **values: Any) -> None:
        self.view.conn.execute(insert(table).values(**values))

    def _set_lead(self, scheme_id: UUID, provider_id: UUID) -> None:
        t = self.view.schemes
        self.view.conn.execute(update(t).where(t.c.id == _id(scheme_id)).values(lead_id=_id(provider_id)))

    def _new_terms(self, scheme_id: UUID, terms: SchemeTerms, status: str) -> None:
        t = self.view.schemes
        version = self.view.conn.execute(select(t.c.terms_version).where(t.c.id == _id(scheme_id))).scalar_one() + 1
        values = {"terms_version": version, "status": status}
        self.view.conn.execute(update(t).where(t.c.id == _id(scheme_id)).values(title=terms.title, **values))
        self._record_terms(scheme_id, version, terms)

    def _record_terms(self, scheme_id: UUID, version: int, terms: SchemeTerms) -> None:
        for participant in terms.participants:
            self._insert(
                self.view.participants,
                scheme_id=_id(scheme_id),
                terms_version=version,
                provider_id=_id(participant.provider_id),
                weight=participant.weight,
            )
        for ordinal, m in enumerate(terms.milestones):
            measure = m.measure
            self._insert(
                self.view.milestones,
                scheme_id=_id(scheme_id),
                terms_version=version,
                code=m.code,
                ordinal=ordinal,
                title=m.title,
                quarter=m.quarter.value,
                due=m.due,
                provider_id=_id(m.provider_id) if m.provider_id else None,
                weight=m.weight,
                numerator=measure.numerator if measure else None,
                denominator=measure.denominator if measure else None,
                minimum=measure.minimum if measure else None,
                maximum=measure.maximum if measure else None,
                direction=measure.direction.value if measure else None,
                basis=measure.basis.value if measure else None,
                baseline=measure.baseline if measure else None,
            )

    def _reconcile_progress(self, scheme_id: str, version: int) -> None:
        """Make the progress rows match the agreed terms: add new provider-milestones, drop untouched old ones."""
        conn, v = self.view.conn, self.view
        programme_id = conn.execute(select(v.schemes.c.programme_id).where(v.schemes.c.id == scheme_id)).scalar_one()
        providers = (
            conn.execute(
                select(v.participants.c.provider_id).where(
                    v.participants.c.scheme_id == scheme_id, v.participants.c.terms_version == version
                )
            )
            .scalars()
            .all()
        )
        milestones = conn.execute(
            select(v.milestones.c.code, v.milestones.c.quarter, v.milestones.c.provider_id).where(
                v.milestones.c.scheme_id == scheme_id, v.milestones.c.terms_version == version
            )
        ).all()
        expected = {(p, m.code): m.quarter for m in milestones for p in providers if m.provider_id in (None, p)}
        existing = {
            (r.provider_id, r.milestone_code): r
            for r in conn.execute(select(v.progress).where(v.progress.c.scheme_id == scheme_id))
        }
        for (provider_id, code), row in existing.items():
            if (provider_id, code) not in expected and row.state is None and row.assessment is None:
                conn.execute(
                    delete(v.progress).where(
                        v.progress.c.scheme_id == scheme_id,
                        v.progress.c.provider_id == provider_id,
                        v.progress.c.milestone_code == code,
                    )
                )
        for (provider_id, code), quarter in expected.items():
            if (provider_id, code) in existing:
                conn.execute(
                    update(v.progress)
                    .where(
                        v.progress.c.scheme_id == scheme_id,
                        v.progress.c.provider_id == provider_id,
                        v.progress.c.milestone_code == code,
                    )
                    .values(quarter=quarter)
                )
            else:
                self._insert(
                    v.progress,
                    scheme_id=scheme_id,
                    provider_id=provider_id,
                    milestone_code=code,
                    programme_id=programme_id,
                    quarter=quarter,
                    revised_on_appeal=False,
                )

    def _submission(self, e: Any, **values: Any) -> None:
        t = self.view.progress
        where = t.c.submission_id == _id(e.originator_id)
        self.view.conn.execute(update(t).where(where).values(last_action_at=e.timestamp, **values))

    def _review(self, review_id: UUID) -> tuple[str, str]:
        found: tuple[str, str] | None = self.view.recall(("review", review_id))
        if found is None:
            t = self.view.reviews
            row = self.view.conn.execute(select(t.c.scheme_id, t.c.quarter).where(t.c.id == _id(review_id))).one()
            found = (row.scheme_id, row.quarter)
            self.view.remember(("review", review_id), found)
        return found

    def _update_review(self, review_id: UUID, **values: Any) -> None:
        t = self.view.reviews
        self.view.conn.execute(update(t).where(t.c.id == _id(review_id)).values(**values))

    def _assess(self, review_id: UUID, assessment: Assessment, at: Any, revised: bool) -> None:
        scheme_id, _ = self._review(review_id)
        t = self.view.progress
        where = and_(
            t.c.scheme_id == scheme_id,
            t.c.provider_id == _id(assessment.provider_id),
            t.c.milestone_code == assessment.milestone_code,
        )
        entry = assessment.evidence_assessed
        self.view.conn.execute(
            update(t)
            .where(where)
            .values(
                assessment=assessment.status.value,
                achievement=assessment.achievement,
                assessed_revision=entry.revision if entry else None,
                assessed_at=at,
                revised_on_appeal=revised,
            )
        )


def _id(value: UUID) -> str:
    return str(value)


def _terms(terms: ProviderTerms) -> dict[str, Any]:
    return {
        "provider_id": _id(terms.provider_id),
        "contract_value": terms.contract_value,
        "cquin_rate": terms.cquin_rate,
    }
