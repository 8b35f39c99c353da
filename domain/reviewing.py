"""Review use cases: the lead presents the pack; the commissioner queries it, assesses, revises on appeal, closes."""

from __future__ import annotations

from uuid import UUID

from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Actor
from domain.errors import NotFoundError
from domain.evidence import Evidence
from domain.evidence_pack import PackEntry
from domain.payment_rules import PaymentRules
from domain.milestones import Milestone, Quarter
from domain.programme import Programme
from domain.scheme import Scheme
from domain.quarter_review import QuarterReview
from domain.reads import ReadService
from domain.restatement import Correction
from domain.service import Recorded
from domain.submission import Submission, SubmissionStatus


class ReviewService(ReadService):
    """Each scheme-quarter's review, from the pack presented to the quarter closed."""

    def present_pack(
        self, actor: Actor, scheme_id: UUID, quarter: Quarter, expected_version: int | None = None
    ) -> Recorded:
        """The lead presents every accepted submission for the scheme-quarter, pinned by revision."""
        scheme = self._read(Scheme, scheme_id)
        lead_id = self._lead_of(actor, scheme)
        review = self._open_review(actor, scheme, quarter, expected_version)
        in_pack: list[Submission] = []  # evidence the commissioner called in is neither in the pack nor missing
        missing: list[str] = []
        for provider_id, milestone in scheme.agreed_terms.expected(quarter):
            submission = self._find(Submission, ids.submission_id(scheme_id, milestone.code, provider_id))
            if submission is not None and submission.is_in_pack:
                in_pack.append(submission)
            elif not review.was_called_in(provider_id, milestone.code):
                missing.append(f"{provider_id}/{milestone.code}")
        entries = tuple(PackEntry(s.id, s.provider_id, s.milestone_code, s.revision) for s in in_pack)
        pack_number = review.present(actor, lead_id, entries, tuple(missing))
        for submission in in_pack:
            if submission.status is SubmissionStatus.ACCEPTED:
                submission.include_in_pack(actor, lead_id, review.id, pack_number)
        return self._save(review, *in_pack)

    def call_in_evidence(
        self,
        actor: Actor,
        scheme_id: UUID,
        quarter: Quarter,
        submission_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> Recorded:
        """Past the pack deadline, the commissioner calls in evidence the lead has not presented, to assess it
        directly: the lead's silence costs no neighbour its income. `expected_version` is the quarter review's."""
        submission = self._get(Submission, submission_id)
        if (submission.scheme_id, submission.quarter) != (scheme_id, quarter):
            raise NotFoundError(f"there is no such evidence in {quarter.value} of this scheme")
        scheme = self._read(Scheme, scheme_id)
        review = self._open_review(actor, scheme, quarter, expected_version)
        entry = PackEntry(submission.id, submission.provider_id, submission.milestone_code, submission.revision)
        deadline = scheme.agreed_terms.pack_deadline(submission.quarter)
        review.call_in(actor, entry, reason, self.clock.today(), deadline)
        submission.call_in(actor, scheme.commissioner_id, review.id, reason)
        return self._save(review, submission)

    def query_pack(
        self, actor: Actor, scheme_id: UUID, quarter: Quarter, questions: str, expected_version: int | None = None
    ) -> Recorded:
        """The commissioner sends the pack back to the lead with questions."""
        review = self._review(scheme_id, quarter, expected_version)
        review.query(actor, questions)
        return self._save(review)

    def assess_milestone(
        self,
        actor: Actor,
        scheme_id: UUID,
        quarter: Quarter,
        provider_id: UUID,
        milestone_code: str,
        status: AssessmentStatus,
        rationale: str,
        expected_version: int | None = None,
        override_reason: str = "",
    ) -> Recorded:
        """The commissioner assesses one provider-milestone on the presented evidence; a numeric one's status follows
        the share its figures give, unless `override_reason` says why it departs from it."""
        review, milestone, evidence, fraction = self._assessment_inputs(
            actor, scheme_id, quarter, provider_id, milestone_code, expected_version
        )
        review.assess(actor, milestone, provider_id, status, rationale, evidence, fraction, override_reason)
        return self._save(review)

    def revise_assessment(
        self,
        actor: Actor,
        scheme_id: UUID,
        quarter: Quarter,
        provider_id: UUID,
        milestone_code: str,
        status: AssessmentStatus,
        rationale: str,
        reason: str,
        expected_version: int | None = None,
        override_reason: str = "",
    ) -> Recorded:
        """The commissioner revises an assessment on appeal, saying why (and why it departs from the figures)."""
        review, milestone, evidence, fraction = self._assessment_inputs(
            actor, scheme_id, quarter, provider_id, milestone_code, expected_version
        )
        review.revise_on_appeal(
            actor, milestone, provider_id, status, rationale, evidence, fraction, reason, override_reason
        )
        return self._save(review)

    def restate_assessment(
        self,
        actor: Actor,
        scheme_id: UUID,
        quarter: Quarter,
        provider_id: UUID,
        milestone_code: str,
        correction: Correction,
        expected_version: int | None = None,
    ) -> Recorded:
        """After the close, the commissioner restates a provider-milestone: corrected figures or a corrected
        assessment, effective in the quarter, recorded now, with a reason; the original stays as it closed."""
        review, milestone, evidence, fraction = self._assessment_inputs(
            actor, scheme_id, quarter, provider_id, milestone_code, expected_version
        )
        year = self._read(Programme, review.programme_id).contract_year
        review.restate(actor, milestone, provider_id, correction, evidence, fraction, year)
        return self._save(review)

    def close_quarter(
        self, actor: Actor, scheme_id: UUID, quarter: Quarter, expected_version: int | None = None
    ) -> Recorded:
        """The commissioner closes the scheme-quarter once every provider-milestone is assessed."""
        review = self._review(scheme_id, quarter, expected_version)
        review.close(actor, self._read(Scheme, scheme_id).agreed_terms.expected(quarter))
        return self._save(review)

    def _assessment_inputs(
        self,
        actor: Actor,
        scheme_id: UUID,
        quarter: Quarter,
        provider_id: UUID,
        milestone_code: str,
        expected_version: int | None,
    ) -> tuple[QuarterReview, Milestone, Evidence | None, PaymentRules]:
        scheme = self._read(Scheme, scheme_id)
        milestone = scheme.milestone_for(provider_id, milestone_code)
        review = self._open_review(actor, scheme, quarter, expected_version)
        entry = review.entry_for(provider_id, milestone_code)
        evidence = self.submission(entry.submission_id).evidence(entry.revision) if entry else None
        return review, milestone, evidence, self._read(Programme, scheme.programme_id).rules
