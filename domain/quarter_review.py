"""One scheme-quarter: the lead presents a pack, the commissioner queries or assesses, then closes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
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
from domain.milestones import Milestone, Quarter
from domain import review_errors as refused
from domain.unassessed import UnassessedMilestonesError


class ReviewStatus(Enum):
    OPEN = "open"
    PRESENTED = "presented"
    QUERIED = "queried"
    CLOSED = "closed"


def _key(provider_id: UUID, milestone_code: str) -> str:
    return f"{provider_id}/{milestone_code}"


NONE_CALLED_IN: tuple[PackEntry, ...] = ()


class QuarterReview(Aggregate):
    """Packs presented, queries, nudges, call-ins and assessments for one scheme-quarter."""

    # A class default (not a field), immutable and replaced whole, so a review restored from a snapshot taken before
    # call-ins existed still has one.
    called_in = NONE_CALLED_IN

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
        partial_fraction: Decimal,
        override_reason: str = "",
    ) -> None:
        """Decide one provider-milestone on the presented evidence; N/A needs no pack."""
        actor.require_commissioner_of(self.commissioner_id)
        if status is AssessmentStatus.NOT_APPLICABLE or self.was_called_in(provider_id, milestone.code):
            self.require_open()
        else:
            self._require_presented()
        if _key(provider_id, milestone.code) in self.assessments:
            raise refused.AlreadyAssessedError("this milestone is assessed: revise it on appeal instead")
        entry = self.entry_for(provider_id, milestone.code)
        decided = Assessment.decide(
            milestone, provider_id, status, rationale, entry, evidence, partial_fraction, override_reason
        )
        self._assessed(assessment=decided, actor=actor)

    @event(MilestoneAssessed)
    def _assessed(self, assessment: Assessment, actor: Actor) -> None:
        self.assessments[_key(assessment.provider_id, assessment.milestone_code)] = assessment

    def revise_on_appeal(
        self,
        actor: Actor,
        milestone: Milestone,
        provider_id: UUID,
        status: AssessmentStatus,
        rationale: str,
        evidence: Evidence | None,
        partial_fraction: Decimal,
        reason: str,
        override_reason: str = "",
    ) -> None:
        """Replace an assessment with a new one; the earlier one stays in the record."""
        actor.require_commissioner_of(self.commissioner_id)
        self.require_open()
        previous = self.assessment(provider_id, milestone.code)
        reason = require_reason(reason, "revising an assessment")
        entry = self.entry_for(provider_id, milestone.code)
        revised = Assessment.decide(
            milestone, provider_id, status, rationale, entry, evidence, partial_fraction, override_reason
        )
        self._revised(assessment=revised, previous=previous, reason=reason, actor=actor)

    @event(AssessmentRevisedOnAppeal)
    def _revised(self, assessment: Assessment, previous: Assessment, reason: str, actor: Actor) -> None:
        self.assessments[_key(assessment.provider_id, assessment.milestone_code)] = assessment

    def close(self, actor: Actor, expected: list[tuple[UUID, Milestone]]) -> None:
        """End the review, fixing its payments; every provider-milestone must be assessed."""
        actor.require_commissioner_of(self.commissioner_id)
        self.require_open()
        missing = [(p, m.code) for p, m in expected if _key(p, m.code) not in self.assessments]
        if missing:
            raise UnassessedMilestonesError.of(self.quarter, missing)
        self._closed(actor=actor)

    @event(QuarterClosed)
    def _closed(self, actor: Actor) -> None:
        self.status = ReviewStatus.CLOSED

    @property
    def current_pack(self) -> tuple[PackEntry, ...]:
        """The latest pack presented, or nothing."""
        return self.packs[-1].entries if self.packs else ()

    def entry_for(self, provider_id: UUID, milestone_code: str) -> PackEntry | None:
        """The evidence before the commissioner for a provider-milestone: the current pack's, or what was called in."""
        for entry in (*self.current_pack, *self.called_in):
            if entry.provider_id == provider_id and entry.milestone_code == milestone_code:
                return entry
        return None

    def was_called_in(self, provider_id: UUID, milestone_code: str) -> bool:
        """True when the commissioner called this provider-milestone's evidence in past the lead."""
        return any(e.provider_id == provider_id and e.milestone_code == milestone_code for e in self.called_in)

    def assessment(self, provider_id: UUID, milestone_code: str) -> Assessment:
        """The standing assessment of a provider-milestone."""
        found = self.find_assessment(provider_id, milestone_code)
        if found is None:
            raise refused.NotAssessedError(f"milestone {milestone_code} has not been assessed for this provider")
        return found

    def find_assessment(self, provider_id: UUID, milestone_code: str) -> Assessment | None:
        """The standing assessment of a provider-milestone, if any."""
        return self.assessments.get(_key(provider_id, milestone_code))

    def require_queried(self) -> None:
        """Raise unless the commissioner has queried the pack back."""
        if self.status is not ReviewStatus.QUERIED:
            raise refused.PackNotQueriedError(
                "presented evidence can be returned only after the commissioner queries the pack"
            )

    def _require_presented(self) -> None:
        self.require_open()
        if self.status is not ReviewStatus.PRESENTED:
            raise refused.PackNotPresentedError("the lead has not presented a pack for the commissioner to act on")

    def require_open(self) -> None:
        """Raise if the quarter is closed."""
        if self.status is ReviewStatus.CLOSED:
            raise refused.QuarterClosedError("this quarter is closed")
