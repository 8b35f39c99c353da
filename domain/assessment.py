"""The commissioner's decision on one provider-milestone: a status, why, and the evidence it rests on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.achievement import AssessmentStatus, achievement, threshold_share
from domain.errors import DomainError
from domain.evidence import Evidence, Figures
from domain.evidence_pack import PackEntry
from domain.limits import SHORT_TEXT
from domain.payment_rules import PaymentRules
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
    # Where the commissioner departed from the share a numeric milestone's figures gave, why; and that share, for every
    # numeric milestone judged on figures (before payment rules had versions, only where the status departed).
    override_reason: str = ""
    figures_share: Decimal | None = None
    # A restatement's own: the day it takes effect (none: the quarter's first day, as for every assessment made in
    # the quarter) and the corrected figures it was judged on (none: the assessed evidence's).
    effective_on: date | None = None
    figures: Figures | None = None

    @property
    def overridden(self) -> bool:
        """True when the status departs from the share the figures gave."""
        return bool(self.override_reason)

    @classmethod
    def decide(
        cls,
        milestone: Milestone,
        provider_id: UUID,
        status: AssessmentStatus,
        rationale: str,
        entry: PackEntry | None,
        evidence: Evidence | None,
        rules: PaymentRules,
        override_reason: str = "",
    ) -> Assessment:
        """Decide on the pack's entry (if any) and its evidence: a rationale always, presented evidence for a pass,
        and a reason to depart from the share a numeric milestone's figures give."""
        override_reason = SHORT_TEXT.check(override_reason, "override_reason").strip()
        rationale = SHORT_TEXT.check(rationale, "rationale")
        if not rationale.strip():
            raise RationaleRequiredError("an assessment needs a rationale")
        if entry is None and status in (AssessmentStatus.MET, AssessmentStatus.PARTIALLY_MET):
            raise EvidenceNotInPackError(f"no evidence for {milestone.code} from this provider is in the pack")
        figures = evidence.figures if evidence is not None and entry is not None else None
        earned = achievement(status, milestone, figures, rules, override_reason)
        # The share the figures gave is kept whether the status follows it or departs from it: other payment rules
        # (another sliding scale) are worked from it.
        share = threshold_share(milestone.measure, figures) if milestone.measure and figures else None
        return cls(provider_id, milestone.code, status, rationale.strip(), earned, entry, override_reason, share)
