"""Evidence use cases: providers submit, revise and withdraw; the lead accepts, returns and nudges."""

from __future__ import annotations

from uuid import UUID

from domain import ids
from domain.actors import Actor
from domain.deadlines import reminder_due
from domain.errors import AlreadyExistsError, StaleVersionError
from domain.evidence import Evidence
from domain.effective import effective_day
from domain.milestones import Milestone, Quarter
from domain.programme import Programme
from domain.quarter_review import QuarterReview, ReviewStatus
from domain.reminder import Reminder
from domain.reads import ReadService
from domain.scheme import NotAParticipantError, Scheme
from domain.service import Recorded
from domain.submission import AWAITING_EVIDENCE, Submission, SubmissionStatus
from domain.uploads import UploadService


class EvidenceService(ReadService, UploadService):
    """Each quarter's evidence, from a participant's submission to the lead's pack."""

    def submit_evidence(self, actor: Actor, scheme_id: UUID, milestone_code: str, evidence: Evidence) -> Recorded:
        """A participant submits its evidence for a milestone that applies to it; each file named must be one its
        organisation uploaded, and is recorded as the upload found it."""
        scheme = self._read(Scheme, scheme_id)
        milestone = scheme.milestone_for(actor.organisation_id, milestone_code)
        self._require_quarter_open(scheme_id, milestone.quarter)
        self._require_effective_in_quarter(scheme.programme_id, milestone, evidence)
        evidence = self._as_uploaded(actor, evidence)
        submission = Submission.submit(
            actor, scheme.programme_id, scheme_id, actor.organisation_id, milestone, evidence, self.clock.today()
        )
        return self._create(submission, message="evidence is already submitted for this milestone: revise it instead")

    def revise_evidence(
        self, actor: Actor, submission_id: UUID, evidence: Evidence, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The provider replaces its evidence with a new revision."""
        submission = self._get(Submission, submission_id, expected_version=expected_version)
        milestone = self._read(Scheme, submission.scheme_id).milestone_for(
            submission.provider_id, submission.milestone_code
        )
        self._require_quarter_open(submission.scheme_id, submission.quarter)
        self._require_effective_in_quarter(submission.programme_id, milestone, evidence)
        submission.revise(actor, milestone, self._as_uploaded(actor, evidence, submission), reason, self.clock.today())
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
        submission.accept_by_lead(actor, self._lead_of(actor, self._read(Scheme, submission.scheme_id)), comment)
        return self._save(submission)

    def return_evidence(
        self, actor: Actor, submission_id: UUID, comments: str, expected_version: int | None = None
    ) -> Recorded:
        """The lead returns a submission with comments; presented evidence only after a query."""
        submission = self._get(Submission, submission_id, expected_version=expected_version)
        lead_id = self._lead_of(actor, self._read(Scheme, submission.scheme_id))
        self._require_quarter_open(submission.scheme_id, submission.quarter)
        if submission.status is SubmissionStatus.PRESENTED:
            self.quarter_review(submission.scheme_id, submission.quarter).require_queried()
        submission.return_by_lead(actor, lead_id, comments)
        return self._save(submission)

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
        scheme = self._read(Scheme, scheme_id)
        if provider_id not in scheme.agreed_terms.provider_ids:
            raise NotAParticipantError("that provider does not participate in this scheme")
        review = self._open_review(actor, scheme, quarter, expected_version)
        review.nudge(actor, self._lead_of(actor, scheme), provider_id, message)
        return self._save(review)

    def remind_provider(self, actor: Actor, scheme_id: UUID, provider_id: UUID, milestone_code: str) -> Recorded | None:
        """Corral reminds a provider whose evidence is missing, a few days before it is due and again once it is
        overdue, each once; None when no reminder is due today, the evidence is there, or the quarter is closed."""
        scheme = self._read(Scheme, scheme_id)
        milestone = scheme.milestone_for(provider_id, milestone_code)
        today = self.clock.today()
        review = self._find(QuarterReview, ids.quarter_review_id(scheme_id, milestone.quarter), to_change=False)
        submission = self._find(Submission, ids.submission_id(scheme_id, milestone_code, provider_id), to_change=False)
        if not reminder_due(milestone.due, today) or (review is not None and review.status is ReviewStatus.CLOSED):
            return None
        if submission is not None and submission.status not in AWAITING_EVIDENCE:
            return None
        reminder = Reminder.send(actor, scheme.programme_id, scheme_id, provider_id, milestone, today)
        try:
            return self._create(reminder)
        except AlreadyExistsError:
            return None

    def _require_quarter_open(self, scheme_id: UUID, quarter: Quarter) -> None:
        review = self._find(QuarterReview, ids.quarter_review_id(scheme_id, quarter), to_change=False)
        if review is not None:
            review.require_open()

    def _require_effective_in_quarter(self, programme_id: UUID, milestone: Milestone, evidence: Evidence) -> None:
        year = self._read(Programme, programme_id).contract_year
        effective_day(milestone.quarter, year, evidence.effective_on, f"evidence for {milestone.code}", at_end=True)
