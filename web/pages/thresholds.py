"""How the pages write a numeric measure's thresholds and baseline, in the unit they were agreed in, and its maths."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.achievement import status_for_share, threshold_share
from domain.application import Corral
from domain.errors import DomainError
from domain.evidence import Figures

from domain.limits import WIDE
from domain.milestones import MeasureUnit, Milestone, NumericMeasure, ThresholdBasis
from domain.quarter_review import QuarterReview


def threshold(value: Decimal, measure: NumericMeasure) -> str:
    """One threshold as the contract says it: `60%`, `5 percentage points above the baseline`, `a 20% reduction`,
    `1,200`, or `50 fewer than the baseline`."""
    unit, basis = measure.in_unit, measure.basis
    if unit is MeasureUnit.NUMBER:
        if basis is ThresholdBasis.POINTS_FROM_BASELINE:
            return _away_from_baseline(_number(abs(value)), value, "more than", "fewer than")
        return _number(value)
    percent = value if unit is MeasureUnit.PERCENT else value * 100
    if basis is ThresholdBasis.ABSOLUTE:
        return f"{_number(percent)}%"
    if basis is ThresholdBasis.POINTS_FROM_BASELINE:
        points = "percentage point" if abs(percent) == 1 else "percentage points"
        return _away_from_baseline(f"{_number(abs(percent))} {points}", value, "above", "below")
    if value == 0:
        return "no change"
    return f"a {_number(abs(percent))}% {'increase' if value > 0 else 'reduction'}"


def baseline(measure: NumericMeasure) -> str:
    """The baseline in the measure's unit (`70%`, `1,000`), or that it is not yet set."""
    if measure.baseline is None:
        return "not yet set"
    if not measure.is_rate:
        return _number(measure.baseline)
    scale = 1 if measure.in_unit is MeasureUnit.PERCENT else 100
    return f"{_number(measure.baseline * scale)}%"


def _away_from_baseline(amount: str, value: Decimal, above: str, below: str) -> str:
    if value == 0:
        return "the baseline"
    return f"{amount} {above if value > 0 else below} the baseline"


def _number(value: Decimal) -> str:
    """`1,000`, `62.5`: no trailing zeros, thousands separated; a huge number (recorded before the limits on input)
    in scientific notation."""
    plain = value.normalize(WIDE)
    return f"{plain:,f}" if plain.is_finite() and plain.adjusted() < 15 else f"{plain:.3E}"


@dataclass(frozen=True)
class ThresholdMaths:
    """The sliding-scale sum for a numeric milestone's presented figures."""

    figures: Figures
    value: Decimal
    share: Decimal | None
    suggested: str | None
    problem: str | None


def threshold_maths(corral: Corral, milestone: Milestone, review: QuarterReview | None, provider_id: UUID) -> Any:
    """The sliding-scale sum for the figures before the commissioner, if the milestone is numeric and has them."""
    entry = review.entry_for(provider_id, milestone.code) if review is not None else None
    if milestone.measure is None or entry is None:
        return None
    return maths_of(milestone, corral.submission(entry.submission_id).evidence(entry.revision).figures)


def maths_of(milestone: Milestone, figures: Figures | None) -> ThresholdMaths | None:
    """The sliding-scale sum for a numeric milestone's figures; None for a narrative one or without figures."""
    if milestone.measure is None or figures is None:
        return None
    try:
        share = threshold_share(milestone.measure, figures)
    except DomainError as error:
        return ThresholdMaths(figures, figures.value, None, None, str(error))
    return ThresholdMaths(figures, figures.value, share, status_for_share(share).value, None)
