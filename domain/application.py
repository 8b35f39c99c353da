"""The service layer: one method per use case, each taking the actor and returning what it recorded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder

from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Actor
from domain.errors import StaleVersionError
from domain.evidence import Evidence
from domain.milestones import Quarter
from domain.organisation import Organisation, OrganisationKind
from domain.programme import Programme, ProviderTerms
from domain.quarter_review import PackEntry, QuarterReview
from domain.scheme import NotAParticipantError, Scheme, SchemeTerms
from domain.submission import Submission, SubmissionStatus
from domain.accounts import AccountService
from domain.service import Recorded, require_version
from domain.transcoding import register_value_types
from domain.upload import Upload
from domain.uploads import UploadService
from domain.user_account import UserAccount


class Corral(AccountService, UploadService):
    """Every use case of DOMAIN.md's lifecycle."""

    name = "Corral"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Organisation: 50,
        Programme: 50,
        Scheme: 50,
        Submission: 50,
        QuarterReview: 50,
        UserAccount: 50,
        Upload: 50,
    }

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_value_types(transcoder)

    # Organisations and programmes

    def register_organisation(self, actor: Actor, code: str, name: str, kind: OrganisationKind) -> Recorded:
        """The platform operator registers a commissioner or a provider."""
        return self._create(Organisation.register(actor, code, name, kind))

    def set_up_programme(
        self,
        actor: Actor,
        health_economy: str,
        contract_year: int,
        partial_fraction: Decimal = Decimal("0.5"),
        schemes_per_lead: int | None = 1,
    ) -> Recorded:
        """The commissioner sets up its programme for a contract year."""
        programme = Programme.set_up(
            actor, actor.organisation_id, health_economy, contract_year, partial_fraction, schemes_per_lead
        )
        self.organisation(actor.organisation_id).require_kind(OrganisationKind.COMMISSIONER)
        return self._create(programme)

    def join_programme(
        self, actor: Actor, programme_id: UUID, terms: ProviderTerms, expected_version: int | None = None
    ) -> Recorded:
        """A provider joins the programme with its contract value and CQUIN rate."""
        self.organisation(terms.provider_id).require_kind(OrganisationKind.PROVIDER)
        programme = self._get(Programme, programme_id, expected_version=expected_version)
        programme.join(actor, terms)
        return self._save(programme)

    def revise_provider_terms(
        self,
        actor: Actor,
        programme_id: UUID,
        terms: ProviderTerms,
        reason: str,
        expected_version: int | None = None,
    ) -> Recorded:
        """Change a provider's contract value or CQUIN rate."""
        programme = self._get(Programme, programme_id, expected_version=expected_version)
        programme.revise_provider_terms(actor, terms, reason)
        return self._save(programme)

    def designate_lead(
        self,
        actor: Actor,
        scheme_id: UUID,
        provider_id: UUID,
        reason: str = "",
        expected_version: int | None = None,
    ) -> Recorded:
        """The commissioner designates, or re-designates with a reason, a scheme's lead; the version is the programme's."""
        scheme = self.scheme(scheme_id)
        programme = self._get(Programme, scheme.programme_id, expected_version=expected_version)
        programme.designate_lead(actor, scheme_id, provider_id, scheme.terms.provider_ids, reason)
        return self._save(programme)

    # Schemes

    def draft_scheme(self, actor: Actor, programme_id: UUID, code: str, terms: SchemeTerms) -> Recorded:
        """The commissioner drafts a scheme with participants, weights and milestones."""
        programme = self.programme(programme_id)
        scheme = Scheme.draft(actor, programme.id, programme.commissioner_id, programme.scope, code, terms)
        programme.add_scheme(actor, scheme.id, scheme.code)
        return self._create(scheme, programme)

    def amend_draft(
        self, actor: Actor, scheme_id: UUID, terms: SchemeTerms, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """Change a scheme's terms before they are first agreed."""
        scheme = self._get(Scheme, scheme_id, expected_version=expected_version)
        scheme.amend_draft(actor, terms, self.programme(scheme.programme_id).scope, reason)
        return self._save(scheme)

    def propose_variation(
        self, actor: Actor, scheme_id: UUID, terms: SchemeTerms, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """Propose new terms for an agreed scheme."""
        scheme = self._get(Scheme, scheme_id, expected_version=expected_version)
        scheme.propose_variation(actor, terms, self.programme(scheme.programme_id).scope, reason)
        return self._save(scheme)

    def sign_scheme(
        self, actor: Actor, scheme_id: UUID, terms_version: int, expected_version: int | None = None
    ) -> Recorded:
        """Sign the version of the terms the signer has read."""
        scheme = self._get(Scheme, scheme_id, expected_version=expected_version)
        scheme.sign(actor, terms_version)
        return self._save(scheme)

    # Evidence

    def submit_evidence(self, actor: Actor, scheme_id: UUID, milestone_code: str, evidence: Evidence) -> Recorded:
        """A participant submits its evidence for a milestone that applies to it; each file named must be one its
        organisation uploaded, and is recorded as the upload found it."""
        scheme = self.scheme(scheme_id)
        milestone = scheme.milestone_for(actor.organisation_id, milestone_code)
        self._require_quarter_open(scheme_id, milestone.quarter)
        evidence = self._as_uploaded(actor, evidence)
        submission = Submission.submit(
            actor, scheme.programme_id, scheme_id, actor.organisation_id, milestone, evidence
        )
        return self._create(submission, message="evidence is already submitted for this milestone: revise it instead")

    def revise_evidence(
        self, actor: Actor, submission_id: UUID, evidence: Evidence, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The provider replaces its evidence with a new revision."""
        submission = self._get(Submission, submission_id, expected_version=expected_version)
        milestone = self.scheme(submission.scheme_id).milestone_for(submission.provider_id, submission.milestone_code)
        self._require_quarter_open(submission.scheme_id, submission.quarter)
        submission.revise(actor, milestone, self._as_uploaded(actor, evidence, submission), reason)
        return self._save(submission)

    def send_evidence(
        self,
        actor: Actor,
        scheme_id: UUID,
        milestone_code: str,
        evidence: Evidence,
        reason: str,
        expected_version: int | None = None,
    ) -> Recorded:
        """The provider's evidence for a milestone: submitted when it has none there (version 0), else revised."""
        submission_id = ids.submission_id(scheme_id, milestone_code, actor.organisation_id)
        if self.exists(submission_id):
            return self.revise_evidence(actor, submission_id, evidence, reason, expected_version)
        if expected_version not in (None, 0):
            raise StaleVersionError(f"the evidence is not there, so not at version {expected_version}: reload it")
        return self.submit_evidence(actor, scheme_id, milestone_code, evidence)

    def withdraw_evidence(
        self, actor: Actor, submission_id: UUID, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The provider withdraws its evidence before it is presented."""
        submission = self._get(Submission, submission_id, expected_version=expected_version)
        self._require_quarter_open(submission.scheme_id, submission.quarter)
        submission.withdraw(actor, reason)
        return self._save(submission)

    def accept_evidence(
        self, actor: Actor, submission_id: UUID, comment: str = "", expected_version: int | None = None
    ) -> Recorded:
        """The lead accepts a submission into its pack."""
        submission = self._get(Submission, submission_id, expected_version=expected_version)
        self._require_quarter_open(submission.scheme_id, submission.quarter)
        submission.accept_by_lead(actor, self._lead_of(actor, self.scheme(submission.scheme_id)), comment)
        return self._save(submission)

    def return_evidence(
        self, actor: Actor, submission_id: UUID, comments: str, expected_version: int | None = None
    ) -> Recorded:
        """The lead returns a submission with comments; presented evidence only after a query."""
        submission = self._get(Submission, submission_id, expected_version=expected_version)
        lead_id = self._lead_of(actor, self.scheme(submission.scheme_id))
        self._require_quarter_open(submission.scheme_id, submission.quarter)
        if submission.status is SubmissionStatus.PRESENTED:
            self.quarter_review(submission.scheme_id, submission.quarter).require_queried()
        submission.return_by_lead(actor, lead_id, comments)
        return self._save(submission)

    # The quarter's review

    def nudge_provider(
        self,
        actor: Actor,
        scheme_id: UUID,
        quarter: Quarter,
        provider_id: UUID,
        message: str,
        expected_version: int | None = None,
    ) -> Recorded:
        """The lead reminds a participant that its evidence is due."""
        scheme = self.scheme(scheme_id)
        if provider_id not in scheme.agreed_terms.provider_ids:
            raise NotAParticipantError("that provider does not participate in this scheme")
        review = self._open_review(actor, scheme, quarter, expected_version)
        review.nudge(actor, self._lead_of(actor, scheme), provider_id, message)
        return self._save(review)

    def present_pack(
        self, actor: Actor, scheme_id: UUID, quarter: Quarter, expected_version: int | None = None
    ) -> Recorded:
        """The lead presents every accepted submission for the scheme-quarter, pinned by revision."""
        scheme = self.scheme(scheme_id)
        lead_id = self._lead_of(actor, scheme)
        review = self._open_review(actor, scheme, quarter, expected_version)
        in_pack: list[Submission] = []
        missing: list[str] = []
        for provider_id, milestone in scheme.agreed_terms.expected(quarter):
            submission = self._find(Submission, ids.submission_id(scheme_id, milestone.code, provider_id))
            if submission is not None and submission.is_in_pack:
                in_pack.append(submission)
            else:
                missing.append(f"{provider_id}/{milestone.code}")
        entries = tuple(PackEntry(s.id, s.provider_id, s.milestone_code, s.revision) for s in in_pack)
        pack_number = review.present(actor, lead_id, entries, tuple(missing))
        for submission in in_pack:
            if submission.status is SubmissionStatus.ACCEPTED:
                submission.include_in_pack(actor, lead_id, review.id, pack_number)
        return self._save(review, *in_pack)

    def query_pack(
        self, actor: Actor, scheme_id: UUID, quarter: Quarter, questions: str, expected_version: int | None = None
    ) -> Recorded:
        """The commissioner sends the pack back to the lead with questions."""
        review = self.quarter_review(scheme_id, quarter, expected_version)
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
    ) -> Recorded:
        """The commissioner assesses one provider-milestone on the presented evidence."""
        review, milestone, evidence, fraction = self._assessment_inputs(
            actor, scheme_id, quarter, provider_id, milestone_code, expected_version
        )
        review.assess(actor, milestone, provider_id, status, rationale, evidence, fraction)
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
    ) -> Recorded:
        """The commissioner revises an assessment on appeal, saying why."""
        review, milestone, evidence, fraction = self._assessment_inputs(
            actor, scheme_id, quarter, provider_id, milestone_code, expected_version
        )
        review.revise_on_appeal(actor, milestone, provider_id, status, rationale, evidence, fraction, reason)
        return self._save(review)

    def close_quarter(
        self, actor: Actor, scheme_id: UUID, quarter: Quarter, expected_version: int | None = None
    ) -> Recorded:
        """The commissioner closes the scheme-quarter once every provider-milestone is assessed."""
        review = self.quarter_review(scheme_id, quarter, expected_version)
        review.close(actor, self.scheme(scheme_id).agreed_terms.expected(quarter))
        return self._save(review)

    # Reading aggregates

    def programme(self, programme_id: UUID, version: int | None = None) -> Programme:
        """A programme, optionally as it was at a version."""
        return self._get(Programme, programme_id, version)

    def scheme(self, scheme_id: UUID, version: int | None = None) -> Scheme:
        """A scheme, optionally as it was at a version."""
        return self._get(Scheme, scheme_id, version)

    def submission(self, submission_id: UUID, version: int | None = None) -> Submission:
        """A submission, optionally as it was at a version."""
        return self._get(Submission, submission_id, version)

    def quarter_review(self, scheme_id: UUID, quarter: Quarter, expected_version: int | None = None) -> QuarterReview:
        """A scheme-quarter's review, or NotFoundError if nothing has happened in it yet."""
        return self._get(QuarterReview, ids.quarter_review_id(scheme_id, quarter), expected_version=expected_version)

    def exists(self, aggregate_id: UUID) -> bool:
        """True when an aggregate with this id has been recorded."""
        return aggregate_id in self.repository

    # Plumbing

    def _lead_of(self, actor: Actor, scheme: Scheme) -> UUID:
        return self.programme(scheme.programme_id).require_lead(actor, scheme.id)

    def _assessment_inputs(
        self,
        actor: Actor,
        scheme_id: UUID,
        quarter: Quarter,
        provider_id: UUID,
        milestone_code: str,
        expected_version: int | None,
    ) -> tuple[QuarterReview, Any, Evidence | None, Decimal]:
        scheme = self.scheme(scheme_id)
        milestone = scheme.milestone_for(provider_id, milestone_code)
        review = self._open_review(actor, scheme, quarter, expected_version)
        entry = review.entry_for(provider_id, milestone_code)
        evidence = self.submission(entry.submission_id).evidence(entry.revision) if entry else None
        return review, milestone, evidence, self.programme(scheme.programme_id).partial_fraction

    def _open_review(
        self, actor: Actor, scheme: Scheme, quarter: Quarter, expected_version: int | None = None
    ) -> QuarterReview:
        review = self._find(QuarterReview, ids.quarter_review_id(scheme.id, quarter))
        if review is None:
            programme = self.programme(scheme.programme_id)
            review = QuarterReview.open(
                actor, programme.id, programme.commissioner_id, programme.lead_of(scheme.id), scheme.id, quarter
            )
            if expected_version not in (None, 0):
                raise StaleVersionError(
                    f"the quarter review is at version 0, not {expected_version}: reload it and try again"
                )
            return review
        require_version(review, expected_version)
        return review

    def _require_quarter_open(self, scheme_id: UUID, quarter: Quarter) -> None:
        review = self._find(QuarterReview, ids.quarter_review_id(scheme_id, quarter))
        if review is not None:
            review.require_open()
