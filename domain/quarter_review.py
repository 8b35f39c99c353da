"""One scheme-quarter: the lead presents a pack, the commissioner queries or assesses, then closes."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Actor
from domain.assessment import Assessment
from domain.errors import NotPermittedError
from domain.evidence import Evidence
from domain.evidence_pack import EvidencePack, PackEntry
from domain.limits import LONG_TEXT, SHORT_TEXT, require_reason
from domain.payment_rules import PaymentRules
from domain.milestones import Milestone, Quarter
from domain.restatement import Correction, QuarterNotClosedError
from domain.review_reads import ReviewReads, assessment_key
from domain.review_reads import ReviewStatus as ReviewStatus  # where the rest of Corral finds it
from domain import review_errors as refused
from domain.unassessed import UnassessedMilestonesError


NONE_CALLED_IN: tuple[PackEntry, ...] = ()
NONE_RESTATED: tuple[Assessment, ...] = ()


class QuarterReview(ReviewReads, Aggregate):
    """Packs presented, queries, nudges, call-ins, assessments and restatements for one scheme-quarter."""

    # Class defaults (not fields), immutable and replaced whole, so a review restored from a snapshot taken before
    # call-ins or restatements existed still has them.
    called_in = NONE_CALLED_IN
    restated = NONE_RESTATED

    class Opened(Aggregate.Created):
        programme_id: UUID
        commissioner_id: UUID
        scheme_id: UUID
        quarter: Quarter
        actor: Actor

    class ProviderNudgedByLead(Aggregate.Event):
        provider_id: UUID
        message: str
        actor: Actor

    class SubmissionCalledIn(Aggregate.Event):
        entry: PackEntry
        reason: str
        actor: Actor

    class EvidencePackPresented(Aggregate.Event):
        pack_number: int
        entries: tuple[PackEntry, ...]
        missing: tuple[str, ...]
        actor: Actor

    class EvidencePackQueried(Aggregate.Event):
        pack_number: int
        questions: str
        actor: Actor

    class MilestoneAssessed(Aggregate.Event):
        assessment: Assessment
        actor: Actor

    class AssessmentRevisedOnAppeal(Aggregate.Event):
        assessment: Assessment
        previous: Assessment
        reason: str
        actor: Actor

    class QuarterClosed(Aggregate.Event):
        actor: Actor

    class AssessmentRestated(Aggregate.Event):
        assessment: Assessment
        previous: Assessment
        reason: str
        actor: Actor

    @staticmethod
    def create_id(scheme_id: UUID, quarter: Quarter, **_: object) -> UUID:
        return ids.quarter_review_id(scheme_id, quarter)

    @classmethod
    def open(
        cls,
        actor: Actor,
        programme_id: UUID,
        commissioner_id: UUID,
        lead_id: UUID | None,
        scheme_id: UUID,
        quarter: Quarter,
    ) -> QuarterReview:
        """Open the review; done by the first action of the commissioner or the lead that needs it."""
        if actor.organisation_id == commissioner_id:
            actor.require_commissioner_of(commissioner_id)
        elif lead_id is None:
            raise NotPermittedError("only the commissioner or the scheme's lead can open its quarter")
        else:
            actor.require_provider(lead_id)
        created: QuarterReview = cls(
            programme_id=programme_id,
            commissioner_id=commissioner_id,
            scheme_id=scheme_id,
            quarter=quarter,
            actor=actor,
        )
        return created

    @event(Opened)
    def __init__(
        self, programme_id: UUID, commissioner_id: UUID, scheme_id: UUID, quarter: Quarter, actor: Actor
    ) -> None:
        self.programme_id = programme_id
        self.commissioner_id = commissioner_id
        self.scheme_id = scheme_id
        self.quarter = quarter
        self.status = ReviewStatus.OPEN
        self.packs: list[EvidencePack] = []
        self.assessments: dict[str, Assessment] = {}

    def nudge(self, actor: Actor, lead_id: UUID, provider_id: UUID, message: str) -> None:
        """The lead reminds a participant that its evidence is missing."""
        actor.require_provider(lead_id)
        self.require_open()
        self._nudged(provider_id=provider_id, message=SHORT_TEXT.check(message, "message").strip(), actor=actor)

    @event(ProviderNudgedByLead)
    def _nudged(self, provider_id: UUID, message: str, actor: Actor) -> None:
        pass

    def call_in(self, actor: Actor, entry: PackEntry, reason: str, today: date, pack_deadline: date | None) -> None:
        """Past the pack deadline, the commissioner takes evidence the lead left waiting, to assess it directly."""
        actor.require_commissioner_of(self.commissioner_id)
        self.require_open()
        if pack_deadline is None or today <= pack_deadline:
            raise refused.PackNotOverdueError(
                "evidence can be called in only after the pack deadline"
                + (f", {pack_deadline.day} {pack_deadline:%B %Y}" if pack_deadline else "")
            )
        if self.entry_for(entry.provider_id, entry.milestone_code) is not None:
            raise refused.AlreadyBeforeCommissionerError("this evidence is already before the commissioner")
        self._called_in(entry=entry, reason=require_reason(reason, "calling in evidence"), actor=actor)

    @event(SubmissionCalledIn)
    def _called_in(self, entry: PackEntry, reason: str, actor: Actor) -> None:
        self.called_in = (*self.called_in, entry)

    def present(self, actor: Actor, lead_id: UUID, entries: tuple[PackEntry, ...], missing: tuple[str, ...]) -> int:
        """The lead presents the accepted evidence; returns the pack number."""
        actor.require_provider(lead_id)
        self.require_open()
        if self.status is ReviewStatus.PRESENTED:
            raise refused.PackAlreadyPresentedError("the pack is already with the commissioner")
        if not entries:
            raise refused.EmptyPackError("no evidence has been accepted for this quarter yet")
        number = len(self.packs) + 1
        self._presented(pack_number=number, entries=entries, missing=missing, actor=actor)
        return number

    @event(EvidencePackPresented)
    def _presented(
        self, pack_number: int, entries: tuple[PackEntry, ...], missing: tuple[str, ...], actor: Actor
    ) -> None:
        self.packs.append(EvidencePack(pack_number, tuple(entries), tuple(missing)))
        self.status = ReviewStatus.PRESENTED

    def query(self, actor: Actor, questions: str) -> None:
        """The commissioner sends the pack back to the lead with questions."""
        actor.require_commissioner_of(self.commissioner_id)
        self._require_presented()
        self._queried(
            pack_number=len(self.packs),
            questions=require_reason(questions, "a query", "questions", LONG_TEXT),
            actor=actor,
        )

    @event(EvidencePackQueried)
    def _queried(self, pack_number: int, questions: str, actor: Actor) -> None:
        self.status = ReviewStatus.QUERIED

    def assess(
        self,
        actor: Actor,
        milestone: Milestone,
        provider_id: UUID,
        status: AssessmentStatus,
        rationale: str,
        evidence: Evidence | None,
        rules: PaymentRules,
        override_reason: str = "",
    ) -> None:
        """Decide one provider-milestone on the presented evidence; N/A needs no pack."""
        actor.require_commissioner_of(self.commissioner_id)
        if status is AssessmentStatus.NOT_APPLICABLE or self.was_called_in(provider_id, milestone.code):
            self.require_open()
        else:
            self._require_presented()
        if assessment_key(provider_id, milestone.code) in self.assessments:
            raise refused.AlreadyAssessedError("this milestone is assessed: revise it on appeal instead")
        entry = self.entry_for(provider_id, milestone.code)
        decided = Assessment.decide(milestone, provider_id, status, rationale, entry, evidence, rules, override_reason)
        self._assessed(assessment=decided, actor=actor)

    @event(MilestoneAssessed)
    def _assessed(self, assessment: Assessment, actor: Actor) -> None:
        self.assessments[assessment_key(assessment.provider_id, assessment.milestone_code)] = assessment

    def revise_on_appeal(
        self,
        actor: Actor,
        milestone: Milestone,
        provider_id: UUID,
        status: AssessmentStatus,
        rationale: str,
        evidence: Evidence | None,
        rules: PaymentRules,
        reason: str,
        override_reason: str = "",
    ) -> None:
        """Replace an assessment with a new one; the earlier one stays in the record."""
        actor.require_commissioner_of(self.commissioner_id)
        self.require_open()
        previous = self.assessment(provider_id, milestone.code)
        reason = require_reason(reason, "revising an assessment")
        entry = self.entry_for(provider_id, milestone.code)
        revised = Assessment.decide(milestone, provider_id, status, rationale, entry, evidence, rules, override_reason)
        self._revised(assessment=revised, previous=previous, reason=reason, actor=actor)

    @event(AssessmentRevisedOnAppeal)
    def _revised(self, assessment: Assessment, previous: Assessment, reason: str, actor: Actor) -> None:
        self.assessments[assessment_key(assessment.provider_id, assessment.milestone_code)] = assessment

    def close(self, actor: Actor, expected: list[tuple[UUID, Milestone]]) -> None:
        """End the review, fixing its payments; every provider-milestone must be assessed."""
        actor.require_commissioner_of(self.commissioner_id)
        self.require_open()
        missing = [(p, m.code) for p, m in expected if assessment_key(p, m.code) not in self.assessments]
        if missing:
            raise UnassessedMilestonesError.of(self.quarter, missing)
        self._closed(actor=actor)

    @event(QuarterClosed)
    def _closed(self, actor: Actor) -> None:
        self.status = ReviewStatus.CLOSED

    def restate(
        self,
        actor: Actor,
        milestone: Milestone,
        provider_id: UUID,
        correction: Correction,
        evidence: Evidence | None,
        rules: PaymentRules,
        contract_year: int,
    ) -> None:
        """After the close, correct a provider-milestone's figures or assessment; the original stays as it closed."""
        actor.require_commissioner_of(self.commissioner_id)
        if self.status is not ReviewStatus.CLOSED:
            raise QuarterNotClosedError("only a closed quarter is restated: while it is open, revise on appeal")
        previous, reason = self.standing(provider_id, milestone.code), correction.why
        entry, effective_on = (
            self.entry_for(provider_id, milestone.code),
            correction.effective_in(self.quarter, contract_year),
        )
        restated = correction.decide(milestone, provider_id, entry, evidence, rules, effective_on)
        self._restated(assessment=restated, previous=previous, reason=reason, actor=actor)

    @event(AssessmentRestated)
    def _restated(self, assessment: Assessment, previous: Assessment, reason: str, actor: Actor) -> None:
        self.restated = (*self.restated, assessment)

    def _require_presented(self) -> None:
        self.require_open()
        if self.status is not ReviewStatus.PRESENTED:
            raise refused.PackNotPresentedError("the lead has not presented a pack for the commissioner to act on")

    def require_open(self) -> None:
        """Raise if the quarter is closed."""
        if self.status is ReviewStatus.CLOSED:
            raise refused.QuarterClosedError("this quarter is closed")
