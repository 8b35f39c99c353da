"""Restated payments: a closed quarter's milestones restated after the close, each with its original and restated
figures and the difference, exact in Decimal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.milestones import Quarter
from domain.payments import Figures, Stake, figures
from projections.progress.queries.reading import MilestoneProgress, Restated


@dataclass(frozen=True)
class RestatedMilestone:
    """One provider-milestone restated after its quarter closed: what it earned as the quarter closed, what it
    earns as restated, and the difference."""

    scheme_id: str
    scheme_title: str
    quarter: Quarter
    code: str
    original_status: str
    restated_status: str
    reason: str
    effective_on: date
    recorded_at: datetime
    original: Figures
    restated: Figures

    @property
    def difference(self) -> Figures:
        """Restated less original: what the restatement adds (or, negative, claws back)."""
        return self.restated - self.original


def restated_milestone(
    row: MilestoneProgress, restated: Restated, original: Stake[str], money: Callable[[Decimal], Decimal] | None = None
) -> RestatedMilestone:
    """One restated row's original and restated figures, each milestone's money counted by `money` (exact unless the
    payment rules round each milestone)."""
    return RestatedMilestone(
        row.scheme_id,
        row.scheme_title,
        row.quarter,
        row.code,
        row.assessment or "",
        restated.status,
        restated.reason,
        restated.effective_on,
        restated.recorded_at,
        figures([original], money),
        figures([Stake(original.key, original.value, True, restated.achievement)], money),
    )


def as_restated(original: Figures, milestones: list[RestatedMilestone]) -> Figures | None:
    """Original figures as restated, the original plus every difference; none when nothing here is restated."""
    if not milestones:
        return None
    return original + sum((m.difference for m in milestones), Figures())
