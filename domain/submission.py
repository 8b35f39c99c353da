"""One provider's evidence for one milestone, revised until the lead presents it."""

from __future__ import annotations

from datetime import date
from enum import Enum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.achievement import FiguresRequiredError
from domain.actors import Actor
from domain.deadlines import is_late
from domain.errors import DomainError, NotFoundError
from domain.limits import SHORT_TEXT, InvalidInputError, require_reason
from domain.evidence import Evidence
from domain.milestones import Milestone, Quarter


class SubmissionStatus(Enum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    RETURNED = "returned"
    ACCEPTED = "accepted by lead"
    PRESENTED = "presented"
    CALLED_IN = "called in"


# Evidence the provider still owes: withdrawn, or returned by the lead to be revised.
AWAITING_EVIDENCE = frozenset({SubmissionStatus.WITHDRAWN, SubmissionStatus.RETURNED})


class SubmissionLockedError(DomainError):
    """Presented evidence is locked until the lead returns it."""


class SubmissionWithdrawnError(DomainError):
    """Withdrawn evidence cannot be reviewed; revise it to submit again."""


class NotAwaitingReviewError(DomainError):
    """The lead can accept only evidence that is submitted and not yet reviewed."""


class NotAcceptedError(DomainError):
    """Only evidence the lead accepted can go into a pack."""


class CommentsRequiredError(DomainError):
    """Returning evidence must tell the provider what to change."""

    field = "comments"


class Submission(Aggregate):
    """Every revision of the evidence is kept; the pack names one by number."""

    class EvidenceSubmitted(Aggregate.Created):
        programme_id: UUID
        scheme_id: UUID
        provider_id: UUID
        milestone_code: str
        quarter: Quarter
        evidence: Evidence
        actor: Actor
        late: bool = False

    class EvidenceRevised(Aggregate.Event):
        revision: int
        evidence: Evidence
        reason: str
        actor: Actor
        late: bool = False

    class EvidenceWithdrawn(Aggregate.Event):
        revision: int
        reason: str
        actor: Actor

    class EvidenceAcceptedByLead(Aggregate.Event):
        revision: int
        comment: str
        actor: Actor

    class EvidenceReturnedByLead(Aggregate.Event):
        revision: int
        comments: str
        actor: Actor

    class EvidencePresented(Aggregate.Event):
        review_id: UUID
        pack_number: int
        revision: int
        actor: Actor

    class EvidenceCalledIn(Aggregate.Event):
        review_id: UUID
        revision: int
        reason: str
        actor: Actor

    @staticmethod
    def create_id(scheme_id: UUID, milestone_code: str, provider_id: UUID, **_: object) -> UUID:
        return ids.submission_id(scheme_id, milestone_code, provider_id)

    @classmethod
    def submit(
        cls,
        actor: Actor,
        programme_id: UUID,
        scheme_id: UUID,
        provider_id: UUID,
        milestone: Milestone,
        evidence: Evidence,
        today: date,
    ) -> Submission:
        """Submit evidence for a milestone that applies to the actor's organisation; after its due date, as late."""
        actor.require_provider(provider_id)
        _require_figures(milestone, evidence)
        created: Submission = cls(
            programme_id=programme_id,
            scheme_id=scheme_id,
            provider_id=provider_id,
            milestone_code=milestone.code,
            quarter=milestone.quarter,
            evidence=evidence,
            actor=actor,
            late=is_late(milestone.due, today),
        )
        return created

    @event(EvidenceSubmitted)
    def __init__(
        self,
        programme_id: UUID,
        scheme_id: UUID,
        provider_id: UUID,
        milestone_code: str,
        quarter: Quarter,
        evidence: Evidence,
        actor: Actor,
        late: bool = False,
    ) -> None:
        self.programme_id = programme_id
        self.scheme_id = scheme_id
        self.provider_id = provider_id
        self.milestone_code = milestone_code
        self.quarter = quarter
        self.revisions: list[Evidence] = [evidence]
        self.status = SubmissionStatus.SUBMITTED
        self.lead_comments = ""

    def revise(self, actor: Actor, milestone: Milestone, evidence: Evidence, reason: str, today: date) -> None:
        """Replace the evidence with a new revision; a withdrawn submission comes back this way. A revision after the
        due date is recorded as late."""
        actor.require_provider(self.provider_id)
        self._require_unlocked()
        _require_figures(milestone, evidence)
        self._revised(
            revision=self.revision + 1,
            evidence=evidence,
            reason=require_reason(reason, "a revision"),
            actor=actor,
            late=is_late(milestone.due, today),
        )

    @event(EvidenceRevised)
    def _revised(self, revision: int, evidence: Evidence, reason: str, actor: Actor, late: bool = False) -> None:
        self.revisions.append(evidence)
        self.status = SubmissionStatus.SUBMITTED

    def withdraw(self, actor: Actor, reason: str) -> None:
        """Take the evidence back before it is presented."""
        actor.require_provider(self.provider_id)
        self._require_unlocked()
        if self.status is SubmissionStatus.WITHDRAWN:
            raise SubmissionWithdrawnError("the evidence is already withdrawn")
        self._withdrawn(revision=self.revision, reason=require_reason(reason, "a withdrawal"), actor=actor)

    @event(EvidenceWithdrawn)
    def _withdrawn(self, revision: int, reason: str, actor: Actor) -> None:
        self.status = SubmissionStatus.WITHDRAWN

    def accept_by_lead(self, actor: Actor, lead_id: UUID, comment: str = "") -> None:
        """The lead accepts the current revision into its pack."""
        actor.require_provider(lead_id)
        if self.status is not SubmissionStatus.SUBMITTED:
            raise NotAwaitingReviewError(f"the evidence is {self.status.value}, not awaiting review")
        self._accepted(revision=self.revision, comment=SHORT_TEXT.check(comment, "comments").strip(), actor=actor)

    @event(EvidenceAcceptedByLead)
    def _accepted(self, revision: int, comment: str, actor: Actor) -> None:
        self.status = SubmissionStatus.ACCEPTED

    def return_by_lead(self, actor: Actor, lead_id: UUID, comments: str) -> None:
        """The lead sends the evidence back with comments; presented evidence is unlocked."""
        actor.require_provider(lead_id)
        if self.status is SubmissionStatus.WITHDRAWN:
            raise SubmissionWithdrawnError("withdrawn evidence cannot be returned")
        if self.status is SubmissionStatus.RETURNED:
            raise NotAwaitingReviewError("the evidence has already been returned")
        if self.status is SubmissionStatus.CALLED_IN:
            raise SubmissionLockedError("the commissioner has called this evidence in: it is no longer the lead's")
        comments = SHORT_TEXT.check(comments, "comments")
        if not comments.strip():
            raise CommentsRequiredError("say what the provider should change")
        self._returned(revision=self.revision, comments=comments.strip(), actor=actor)

    @event(EvidenceReturnedByLead)
    def _returned(self, revision: int, comments: str, actor: Actor) -> None:
        self.status = SubmissionStatus.RETURNED
        self.lead_comments = comments

    def include_in_pack(self, actor: Actor, lead_id: UUID, review_id: UUID, pack_number: int) -> None:
        """The lead locks accepted evidence as part of a presented pack."""
        actor.require_provider(lead_id)
        if self.status is not SubmissionStatus.ACCEPTED:
            raise NotAcceptedError(f"the evidence is {self.status.value}, not accepted by the lead")
        self._presented(review_id=review_id, pack_number=pack_number, revision=self.revision, actor=actor)

    @event(EvidencePresented)
    def _presented(self, review_id: UUID, pack_number: int, revision: int, actor: Actor) -> None:
        self.status = SubmissionStatus.PRESENTED

    def call_in(self, actor: Actor, commissioner_id: UUID, review_id: UUID, reason: str) -> None:
        """The commissioner takes evidence the lead has left waiting, to assess it directly; it is locked from now."""
        actor.require_commissioner_of(commissioner_id)
        if self.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED):
            raise NotAwaitingReviewError(f"the evidence is {self.status.value}, not waiting with the lead")
        self._called_in(review_id=review_id, revision=self.revision, reason=reason, actor=actor)

    @event(EvidenceCalledIn)
    def _called_in(self, review_id: UUID, revision: int, reason: str, actor: Actor) -> None:
        self.status = SubmissionStatus.CALLED_IN

    @property
    def revision(self) -> int:
        """The current revision number, from 1."""
        return len(self.revisions)

    @property
    def is_in_pack(self) -> bool:
        """True when the current revision belongs in the next pack."""
        return self.status in (SubmissionStatus.ACCEPTED, SubmissionStatus.PRESENTED)

    def evidence(self, revision: int | None = None) -> Evidence:
        """The evidence of a revision, by default the current one."""
        number = self.revision if revision is None else revision
        if not 1 <= number <= self.revision:
            raise NotFoundError(f"there is no revision {number} of this evidence")
        return self.revisions[number - 1]

    def _require_unlocked(self) -> None:
        if self.status is SubmissionStatus.PRESENTED:
            raise SubmissionLockedError("the evidence has been presented; the lead must return it first")
        if self.status is SubmissionStatus.CALLED_IN:
            raise SubmissionLockedError("the commissioner has called this evidence in to assess it")


def _require_figures(milestone: Milestone, evidence: Evidence) -> None:
    """Figures for a numeric milestone, in its measure's shape: a rate's with a denominator, a count's without."""
    if milestone.measure is None:
        return
    if evidence.figures is None:
        raise FiguresRequiredError(f"milestone {milestone.code} is numeric: give its figures")
    if milestone.measure.is_rate and evidence.figures.denominator is None:
        raise InvalidInputError(
            "denominator",
            f"milestone {milestone.code} is a rate: give its denominator ({milestone.measure.denominator})",
        )
    if not milestone.measure.is_rate and evidence.figures.denominator is not None:
        raise InvalidInputError("denominator", f"milestone {milestone.code} is a count: give no denominator")
