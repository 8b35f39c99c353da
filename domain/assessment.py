"""The commissioner's decision on one provider-milestone: a status, why, and the evidence it rests on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from domain.achievement import AssessmentStatus, achievement
from domain.errors import DomainError
from domain.evidence import Evidence
from domain.evidence_pack import PackEntry
from domain.limits import SHORT_TEXT
from domain.milestones import Milestone


class EvidenceNotInPackError(DomainError):
    """Met and Partially Met need evidence presented in the pack."""


class RationaleRequiredError(DomainError):
    """An assessment must say why."""

    field = "rationale"


@dataclass(frozen=True)
class Assessment:
    """The commissioner's decision on one provider-milestone and what it was based on."""

    provider_id: UUID
    milestone_code: str
    status: AssessmentStatus
    rationale: str
    achievement: Decimal | None
    evidence_assessed: PackEntry | None

    @classmethod
    def decide(
        cls,
        milestone: Milestone,
        provider_id: UUID,
        status: AssessmentStatus,
        rationale: str,
        entry: PackEntry | None,
        evidence: Evidence | None,
        partial_fraction: Decimal,
    ) -> Assessment:
        """Decide on the pack's entry (if any) and its evidence: a rationale always, presented evidence for a pass."""
        rationale = SHORT_TEXT.check(rationale, "rationale")
        if not rationale.strip():
            raise RationaleRequiredError("an assessment needs a rationale")
        if entry is None and status in (AssessmentStatus.MET, AssessmentStatus.PARTIALLY_MET):
            raise EvidenceNotInPackError(f"no evidence for {milestone.code} from this provider is in the pack")
        figures = evidence.figures if evidence is not None and entry is not None else None
        earned = achievement(status, milestone, figures, partial_fraction)
        return cls(provider_id, milestone.code, status, rationale.strip(), earned, entry)
