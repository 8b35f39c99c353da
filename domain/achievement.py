"""How much of a milestone's value an assessment earns."""

from __future__ import annotations

from decimal import Decimal, localcontext
from enum import Enum
from typing import TYPE_CHECKING

from domain.errors import DomainError
from domain.evidence import Figures
from domain.limits import WIDE
from domain.milestones import Direction, Milestone, NumericMeasure, ThresholdBasis

if TYPE_CHECKING:
    from domain.payment_rules import PaymentRules

ZERO = Decimal(0)
ONE = Decimal(1)


class AssessmentStatus(Enum):
    MET = "Met"
    PARTIALLY_MET = "Partially Met"
    NOT_MET = "Not Met"
    NOT_APPLICABLE = "N/A"


class FiguresRequiredError(DomainError):
    """A numeric milestone cannot be judged without its figures."""

    field = "numerator"


class BaselineMissingError(DomainError):
    """Thresholds relative to a baseline need the baseline."""


class StatusDisagreesWithFiguresError(DomainError):
    """The status chosen contradicts the threshold share of the figures, and no reason to depart from it is given."""

    field = "status"


class NothingToOverrideError(DomainError):
    """A reason to depart from the figures is given where the status follows them, or there are no figures."""

    field = "override_reason"


def threshold_share(measure: NumericMeasure, figures: Figures) -> Decimal:
    """The fraction earned on the sliding scale between the minimum and maximum thresholds, from 0 to 1.

    Never an error on figures as recorded, even those from before the limits on input: the sums are done wide
    enough for any exponent, an infinite value counts as beyond every threshold, and a value that cannot be
    known (NaN, or a rate recorded without its denominator) earns nothing."""
    with localcontext(WIDE):
        measured = _measured(measure, figures)
        low, high = measure.in_unit.as_fraction(measure.minimum), measure.in_unit.as_fraction(measure.maximum)
        if measured.is_nan() or low.is_nan() or high.is_nan():
            return ZERO
        if measure.direction is Direction.LOWER_IS_BETTER:
            measured, low, high = -measured, -high, -low
        if low == high:
            return ONE if measured >= high else ZERO
        share = (measured - low) / (high - low)
    return ZERO if share.is_nan() or share <= ZERO else min(share, ONE)


def _measured(measure: NumericMeasure, figures: Figures) -> Decimal:
    if measure.basis is not ThresholdBasis.ABSOLUTE and measure.baseline is None:
        raise BaselineMissingError("this measure's thresholds are relative to a baseline that is not set")
    if measure.is_rate and figures.denominator is None:
        return Decimal("NaN")
    value = figures.value
    if measure.basis is ThresholdBasis.ABSOLUTE or measure.baseline is None:
        return value
    # A rate's baseline is written in the measure's unit; a count's is a count.
    baseline = measure.in_unit.as_fraction(measure.baseline) if measure.is_rate else measure.baseline
    if measure.basis is ThresholdBasis.POINTS_FROM_BASELINE:
        return value - baseline
    return (value - baseline) / baseline


def as_percent(share: Decimal) -> str:
    """A share as people write it: `60%`, `62.5%`, to at most two decimal places."""
    percent = (share * 100).quantize(Decimal("0.01")).normalize()
    return f"{percent:f}%"


def status_for_share(share: Decimal) -> AssessmentStatus:
    """Met at the maximum, Not Met at or below the minimum (or for a share that cannot be known), Partially Met between."""
    if share.is_nan() or share <= ZERO:
        return AssessmentStatus.NOT_MET
    if share >= ONE:
        return AssessmentStatus.MET
    return AssessmentStatus.PARTIALLY_MET


def achievement(
    status: AssessmentStatus,
    milestone: Milestone,
    figures: Figures | None,
    rules: PaymentRules,
    override_reason: str = "",
) -> Decimal | None:
    """The fraction of the milestone's value earned under the programme's payment rules; None where N/A leaves the
    totals.

    A numeric milestone earns the share its figures give, on the rules' sliding scale, and its status must follow that
    share, unless the commissioner departs from it with a reason: then it earns what the chosen status earns."""
    share = _figures_share(status, milestone, figures, override_reason)
    if share is not None and status_for_share(share) is status:
        if override_reason:
            raise NothingToOverrideError(
                f"the figures give {as_percent(share)}, which is {status.value} as you chose:"
                " there is nothing to depart from, so leave the reason blank"
            )
        return rules.earns(status, share)
    if share is not None and not override_reason and status is not AssessmentStatus.NOT_APPLICABLE:
        raise StatusDisagreesWithFiguresError(
            f"the figures give {as_percent(share)}, which is {status_for_share(share).value}, not {status.value};"
            " to depart from the share the figures give, record your reason, such as figures that were not validated"
        )
    return rules.earns(status, None)


def _figures_share(
    status: AssessmentStatus, milestone: Milestone, figures: Figures | None, override_reason: str
) -> Decimal | None:
    """The share a numeric milestone's figures give, when the status is judged on them."""
    if status is AssessmentStatus.NOT_APPLICABLE and not override_reason:
        return None
    if milestone.measure is not None and figures is not None:
        return threshold_share(milestone.measure, figures)
    if override_reason:
        raise NothingToOverrideError(
            f"milestone {milestone.code} has no figures to depart from: leave the reason blank"
        )
    if milestone.measure is not None and status is not AssessmentStatus.NOT_MET:
        raise FiguresRequiredError(f"milestone {milestone.code} is numeric: assess it on submitted figures")
    return None
