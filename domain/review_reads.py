"""What a scheme-quarter's review answers about itself: the evidence before the commissioner and the standing
assessments, original and restated."""

from __future__ import annotations

from enum import Enum
from uuid import UUID

from domain import review_errors as refused
from domain.assessment import Assessment
from domain.evidence_pack import EvidencePack, PackEntry


class ReviewStatus(Enum):
    OPEN = "open"
    PRESENTED = "presented"
    QUERIED = "queried"
    CLOSED = "closed"


def assessment_key(provider_id: UUID, milestone_code: str) -> str:
    """How a review keys one provider-milestone's assessment."""
    return f"{provider_id}/{milestone_code}"


class ReviewReads:
    """The questions QuarterReview answers without changing; kept apart so the aggregate holds only its decisions."""

    status: ReviewStatus
    packs: list[EvidencePack]
    called_in: tuple[PackEntry, ...]
    assessments: dict[str, Assessment]
    restated: tuple[Assessment, ...]

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
        """The standing assessment of a provider-milestone as the quarter closed (or stands, while open)."""
        found = self.find_assessment(provider_id, milestone_code)
        if found is None:
            raise refused.NotAssessedError(f"milestone {milestone_code} has not been assessed for this provider")
        return found

    def find_assessment(self, provider_id: UUID, milestone_code: str) -> Assessment | None:
        """The standing assessment of a provider-milestone, if any."""
        return self.assessments.get(assessment_key(provider_id, milestone_code))

    def restated_assessment(self, provider_id: UUID, milestone_code: str) -> Assessment | None:
        """The latest restatement of a provider-milestone after its quarter closed, if any."""
        for restated in reversed(self.restated):
            if restated.provider_id == provider_id and restated.milestone_code == milestone_code:
                return restated
        return None

    def standing(self, provider_id: UUID, milestone_code: str) -> Assessment:
        """What stands now: the latest restatement, else the assessment the quarter closed with."""
        return self.restated_assessment(provider_id, milestone_code) or self.assessment(provider_id, milestone_code)

    def require_queried(self) -> None:
        """Raise unless the commissioner has queried the pack back."""
        if self.status is not ReviewStatus.QUERIED:
            raise refused.PackNotQueriedError(
                "presented evidence can be returned only after the commissioner queries the pack"
            )
