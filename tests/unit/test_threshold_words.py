"""Thresholds read on the pages in the unit they were agreed in, whichever unit that was."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.milestones import Direction, MeasureUnit, NumericMeasure, ThresholdBasis
from web.pages.thresholds import baseline, threshold

PERCENT, FRACTION, NUMBER = MeasureUnit.PERCENT, MeasureUnit.FRACTION, MeasureUnit.NUMBER
POINTS, CHANGE = ThresholdBasis.POINTS_FROM_BASELINE, ThresholdBasis.CHANGE_FROM_BASELINE


def rate(
    low: str, high: str, unit: MeasureUnit, basis: ThresholdBasis = ThresholdBasis.ABSOLUTE, base: str = ""
) -> NumericMeasure:
    given = Decimal(base) if base else None
    return NumericMeasure("n", "d", Decimal(low), Decimal(high), Direction.HIGHER_IS_BETTER, basis, given, unit)


def count(low: str, high: str, unit: MeasureUnit, basis: ThresholdBasis, base: str) -> NumericMeasure:
    return NumericMeasure("n", None, Decimal(low), Decimal(high), Direction.LOWER_IS_BETTER, basis, Decimal(base), unit)


@pytest.mark.parametrize(
    ("measure", "words"),
    [
        (rate("60", "80", PERCENT), ("60%", "80%", "not yet set")),
        (rate("0.6", "0.8", FRACTION), ("60%", "80%", "not yet set")),
        (rate("0", "5", PERCENT, POINTS, "70"), ("the baseline", "5 percentage points above the baseline", "70%")),
        (rate("0", "0.01", FRACTION, POINTS, "0.7"), ("the baseline", "1 percentage point above the baseline", "70%")),
        (count("-20", "0", PERCENT, CHANGE, "1000"), ("a 20% reduction", "no change", "1,000")),
        (count("-0.2", "0.1", FRACTION, CHANGE, "1000"), ("a 20% reduction", "a 10% increase", "1,000")),
        (count("-50", "0", NUMBER, POINTS, "1200"), ("50 fewer than the baseline", "the baseline", "1,200")),
    ],
    ids=["percent", "fraction", "points", "a point as a fraction", "a reduction", "a change as a fraction", "fewer"],
)
def test_each_threshold_and_the_baseline_read_in_the_unit_agreed(
    measure: NumericMeasure, words: tuple[str, str, str]
) -> None:
    assert (threshold(measure.minimum, measure), threshold(measure.maximum, measure), baseline(measure)) == words


def test_a_count_reads_as_a_whole_number_with_thousands_separated() -> None:
    attendances = NumericMeasure("attendances", None, Decimal(1200), Decimal(1500), unit=NUMBER)

    assert threshold(attendances.maximum, attendances) == "1,500"
