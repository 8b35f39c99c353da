"""What forecasts and what-ifs share: a milestone row as if assessed, and a numeric milestone's measure and figures
read defensively from the progress view (figures recorded before the limits on input may be invalid: unknown)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select

from domain.achievement import AssessmentStatus, BaselineMissingError, threshold_share
from domain.errors import DomainError
from domain.evidence import Figures
from domain.milestones import Direction, MeasureUnit, NumericMeasure, ThresholdBasis
from domain.payment_rules import PaymentRules
from projections.progress.queries.reading import MilestoneProgress, fetch
from projections.progress.view import ProgressView

MeasureKey = tuple[str, str]  # (scheme id, milestone code)


@dataclass(frozen=True)
class Measured:
    """A numeric milestone's measure, and the labels that say whether two milestones measure the same thing."""

    measure: NumericMeasure

    @property
    def definition(self) -> tuple[str, str | None]:
        """The numerator's and denominator's labels."""
        return self.measure.numerator, self.measure.denominator


def as_if(
    row: MilestoneProgress, status: AssessmentStatus, share: Decimal | None, rules: PaymentRules
) -> MilestoneProgress:
    """The row as though assessed `status` now (on figures giving `share`, where given): what the rules earn it."""
    return replace(
        row,
        assessment=status.value,
        achievement=rules.earns(status, share),
        figures_share=share,
        override_reason=None,
    )


def remaining(row: MilestoneProgress) -> bool:
    """True for a milestone not yet assessed in a quarter still open: what a forecast may change."""
    return row.assessment is None and row.fixed_value is None


def measures(view: ProgressView, programme_id: str) -> dict[MeasureKey, Measured]:
    """Every numeric milestone's measure in the programme's agreed schemes; one that cannot be read is left out."""
    s, m = view.schemes, view.milestones
    query = (
        select(m)
        .join(s, and_(s.c.id == m.c.scheme_id, s.c.agreed_version == m.c.terms_version))
        .where(s.c.programme_id == programme_id, m.c.numerator.is_not(None))
    )
    found = {}
    for r in fetch(view, query):
        measure = _measure(r)
        if measure is not None:
            found[(r.scheme_id, r.code)] = Measured(measure)
    return found


def _measure(r: Any) -> NumericMeasure | None:
    try:
        return NumericMeasure(
            r.numerator,
            r.denominator,
            r.minimum,
            r.maximum,
            Direction(r.direction or Direction.HIGHER_IS_BETTER.value),
            ThresholdBasis(r.basis or ThresholdBasis.ABSOLUTE.value),
            r.baseline,
            MeasureUnit(r.unit) if r.unit else None,
        )
    except (DomainError, ValueError, TypeError):
        return None


def recorded_figures(numerator: Decimal | None, denominator: Decimal | None) -> Figures | None:
    """Figures as recorded, or None where there are none or they are not valid figures."""
    if numerator is None:
        return None
    try:
        return Figures(numerator, denominator)
    except (DomainError, ArithmeticError):
        return None


def share_of(measured: Measured, figures: Figures) -> Decimal | None:
    """The share of its thresholds the figures give; None where it cannot be known (a baseline not yet set, or
    figures of the wrong kind: a count's for a rate)."""
    if measured.measure.is_rate != (figures.denominator is not None):
        return None
    try:
        return threshold_share(measured.measure, figures)
    except BaselineMissingError:
        return None
