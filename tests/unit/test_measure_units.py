"""Numeric thresholds carry their unit: a percentage is entered as a percentage, and pays exactly as its fraction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.achievement import threshold_share
from domain.evidence import Figures
from domain.limits import InvalidInputError
from domain.milestones import Direction, MeasureUnit, NumericMeasure, ThresholdBasis
from tests.legacy import unchecked
from tests.unit.test_transcoding import round_trip

PERCENT, FRACTION, NUMBER = MeasureUnit.PERCENT, MeasureUnit.FRACTION, MeasureUnit.NUMBER
ABSOLUTE, POINTS, CHANGE = (
    ThresholdBasis.ABSOLUTE,
    ThresholdBasis.POINTS_FROM_BASELINE,
    ThresholdBasis.CHANGE_FROM_BASELINE,
)
LOWER = Direction.LOWER_IS_BETTER


def measured(
    minimum: str,
    maximum: str,
    unit: MeasureUnit | None = None,
    basis: ThresholdBasis = ABSOLUTE,
    baseline: str | None = None,
    direction: Direction = Direction.HIGHER_IS_BETTER,
    denominator: str | None = "staff",
) -> NumericMeasure:
    return NumericMeasure(
        "counted",
        denominator,
        Decimal(minimum),
        Decimal(maximum),
        direction,
        basis,
        None if baseline is None else Decimal(baseline),
        unit,
    )


def refused_field(**kwargs: object) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as refused:
        measured(**kwargs)  # type: ignore[arg-type]
    return refused.value


# (the measure as fractions, the same measure in percent, figures) over every basis and direction
SAME_MEASURES = [
    (dict(minimum="0.6", maximum="0.8"), dict(minimum="60", maximum="80"), Figures(Decimal(67), Decimal(100))),
    (dict(minimum="0.6", maximum="0.8"), dict(minimum="60", maximum="80"), Figures(Decimal(2), Decimal(3))),
    (
        dict(minimum="0.1", maximum="0.2", direction=LOWER),
        dict(minimum="10", maximum="20", direction=LOWER),
        Figures(Decimal(13), Decimal(100)),
    ),
    (
        dict(minimum="0", maximum="0.05", basis=POINTS, baseline="0.7"),
        dict(minimum="0", maximum="5", basis=POINTS, baseline="70"),
        Figures(Decimal(73), Decimal(100)),
    ),
    (
        dict(minimum="-0.2", maximum="0", basis=CHANGE, baseline="0.12", direction=LOWER),
        dict(minimum="-20", maximum="0", basis=CHANGE, baseline="12", direction=LOWER),
        Figures(Decimal(11), Decimal(100)),
    ),
    (
        dict(minimum="-0.2", maximum="0", basis=CHANGE, baseline="1000", direction=LOWER, denominator=None),
        dict(minimum="-20", maximum="0", basis=CHANGE, baseline="1000", direction=LOWER, denominator=None),
        Figures(Decimal(910)),
    ),
]


@pytest.mark.parametrize(
    ("as_fractions", "as_percent", "figures"),
    SAME_MEASURES,
    ids=["67 of 100", "2 of 3", "lower is better", "points", "a rate's change", "a count's change"],
)
def test_thresholds_in_percent_pay_the_same_share_as_the_same_thresholds_as_fractions(
    as_fractions: dict[str, object], as_percent: dict[str, object], figures: Figures
) -> None:
    in_fractions = measured(**as_fractions, unit=FRACTION)  # type: ignore[arg-type]
    in_percent = measured(**as_percent, unit=PERCENT)  # type: ignore[arg-type]

    assert threshold_share(in_percent, figures) == threshold_share(in_fractions, figures)
    assert Decimal(0) < threshold_share(in_percent, figures) < Decimal(1)


def test_the_flu_scheme_from_60_to_80_percent_pays_67_of_100_staff_a_35_percent_share() -> None:
    flu = measured("60", "80", PERCENT)

    assert threshold_share(flu, Figures(Decimal(67), Decimal(100))) == Decimal("0.35")


def test_a_rate_given_in_percent_without_its_unit_is_refused_saying_how_to_enter_a_percentage() -> None:
    refused = refused_field(minimum="0.6", maximum="80")

    assert refused.field == "maximum"
    assert refused.message == (
        "must be a fraction from 0 to 1, not 80: to enter a percentage, give the unit as percent, or enter 0.8"
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (dict(minimum="60", maximum="120", unit=PERCENT), "maximum", "must be a percentage from 0 to 100, not 120"),
        (
            dict(minimum="0", maximum="5", unit=FRACTION, basis=POINTS, baseline="0.7"),
            "maximum",
            "must be a fraction from -1 to 1, not 5: to enter percentage points, give the unit as percent, or enter 0.05",
        ),
        (
            dict(minimum="-150", maximum="0", unit=PERCENT, basis=POINTS, baseline="70"),
            "minimum",
            "must be percentage points from -100 to 100, not -150",
        ),
        (
            dict(minimum="0", maximum="5", unit=PERCENT, basis=POINTS, baseline="0.7"),
            None,
            None,
        ),
        (
            dict(minimum="0", maximum="5", unit=PERCENT, basis=POINTS, baseline="170"),
            "baseline",
            "must be a percentage from 0 to 100, not 170",
        ),
        (
            dict(minimum="-20", maximum="0", basis=CHANGE, baseline="1000", denominator=None),
            "minimum",
            "must be a fraction of the baseline from -1 to 1, not -20: to enter a percentage, give the unit as"
            " percent, or enter -0.2",
        ),
        (
            dict(minimum="-120", maximum="0", unit=PERCENT, basis=CHANGE, baseline="1000", denominator=None),
            "minimum",
            "must be a percentage of the baseline from -100 to 100, not -120",
        ),
    ],
    ids=[
        "percent above 100",
        "points as a fraction beyond 1",
        "percentage points beyond 100",
        "a baseline of 0.7% is allowed",
        "a percent baseline above 100",
        "a count's change in percent without the unit",
        "a fall of more than 100%",
    ],
)
def test_thresholds_outside_their_unit_are_refused_naming_the_field_and_the_likely_mistake(
    kwargs: dict[str, object], field: str | None, message: str | None
) -> None:
    if field is None:
        assert measured(**kwargs).in_unit is PERCENT  # type: ignore[arg-type]
        return
    refused = refused_field(**kwargs)

    assert (refused.field, refused.message) == (field, message)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        (dict(minimum="60", maximum="80", unit=NUMBER), "a rate is a share of its denominator"),
        (dict(minimum="100", maximum="200", unit=PERCENT, denominator=None), "a count's thresholds are numbers"),
        (dict(minimum="5", maximum="10", unit=FRACTION, denominator=None, basis=POINTS, baseline="50"), "a count's"),
        (
            dict(minimum="-20", maximum="0", unit=NUMBER, denominator=None, basis=CHANGE, baseline="1000"),
            "a change from the baseline is a share of it",
        ),
    ],
    ids=["a rate as a number", "a count in percent", "a count's points as a fraction", "a change as a number"],
)
def test_a_unit_that_makes_no_sense_for_the_measure_is_refused_on_the_unit(
    kwargs: dict[str, object], says: str
) -> None:
    refused = refused_field(**kwargs)

    assert refused.field == "unit"
    assert refused.message.startswith(says)


@pytest.mark.parametrize(
    ("kwargs", "unit"),
    [
        (dict(minimum="0.6", maximum="0.8"), FRACTION),
        (dict(minimum="100", maximum="200", denominator=None), NUMBER),
        (dict(minimum="5", maximum="10", denominator=None, basis=POINTS, baseline="50"), NUMBER),
        (dict(minimum="-0.2", maximum="0", denominator=None, basis=CHANGE, baseline="1000"), FRACTION),
    ],
    ids=["a rate", "a count", "a count's points", "a count's change"],
)
def test_a_measure_given_no_unit_takes_its_natural_one(kwargs: dict[str, object], unit: MeasureUnit) -> None:
    assert measured(**kwargs).unit is unit  # type: ignore[arg-type]


def test_a_measure_recorded_before_units_reads_as_a_fraction_and_pays_as_it_did() -> None:
    old = unchecked(
        NumericMeasure,
        numerator="vaccinated",
        denominator="staff",
        minimum=Decimal("0.6"),
        maximum=Decimal("0.8"),
        direction=Direction.HIGHER_IS_BETTER,
        basis=ABSOLUTE,
        baseline=None,
    )
    decoded = round_trip(old)

    assert decoded.unit is FRACTION
    assert threshold_share(decoded, Figures(Decimal(67), Decimal(100))) == Decimal("0.35")
