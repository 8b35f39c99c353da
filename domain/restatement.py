"""Restatement: after a quarter has closed, the commissioner corrects figures or an assessment, effective in that
quarter, recorded now, with a reason. The original stays as the quarter closed with it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from domain.achievement import AssessmentStatus
from domain.assessment import Assessment
from domain.effective import effective_day
from domain.errors import DomainError
from domain.evidence import Evidence, Figures
from domain.evidence_pack import PackEntry
from domain.limits import InvalidInputError, require_reason
from domain.payment_rules import PaymentRules
from domain.milestones import Milestone, Quarter


class QuarterNotClosedError(DomainError):
    """Only a closed quarter is restated; while it is open, an assessment is revised on appeal."""


@dataclass(frozen=True)
class Correction:
    """What the commissioner restates: a status and rationale, corrected figures for a numeric milestone, the day
    it takes effect (none: the quarter's first day, so it covers the whole quarter), and why."""

    status: AssessmentStatus
    rationale: str
    reason: str
    figures: Figures | None = None
    override_reason: str = ""
    effective_on: date | None = None

    def effective_in(self, quarter: Quarter, contract_year: int) -> date:
        """The day it takes effect, which must fall inside the quarter of the contract year."""
        return effective_day(quarter, contract_year, self.effective_on, "a restatement")

    def decide(
        self,
        milestone: Milestone,
        provider_id: UUID,
        entry: PackEntry | None,
        evidence: Evidence | None,
        rules: PaymentRules,
        effective_on: date,
    ) -> Assessment:
        """The restated assessment, by the same rules as any assessment, on the corrected figures where given."""
        if self.figures is not None and milestone.measure is None:
            raise InvalidInputError("numerator", f"milestone {milestone.code} is narrative: it has no figures")
        if self.figures is not None:
            evidence = Evidence(figures=self.figures)
        decided = Assessment.decide(
            milestone, provider_id, self.status, self.rationale, entry, evidence, rules, self.override_reason
        )
        return replace(decided, effective_on=effective_on, figures=self.figures)

    @property
    def why(self) -> str:
        """The reason, checked: a restatement always says why."""
        return require_reason(self.reason, "a restatement")
