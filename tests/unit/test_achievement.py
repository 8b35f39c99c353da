"""Achievement: the fraction of a milestone's value an assessment earns, in exact Decimal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.payment_rules import as_set_up
from domain.achievement import achievement, AssessmentStatus, BaselineMissingError, FiguresRequiredError
from domain.achievement import NothingToOverrideError
from domain.achievement import status_for_share, StatusDisagreesWithFiguresError, threshold_share
from domain.evidence import Figures
from domain.milestones import Direction, Milestone, NumericMeasure, Quarter, ThresholdBasis
from tests.builders import flu_milestone, narrative_milestone
from tests.unit.given import HALF, RULES

MET, PARTLY, NOT_MET, NA = (
    AssessmentStatus.MET,
    AssessmentStatus.PARTIALLY_MET,
    AssessmentStatus.NOT_MET,
    AssessmentStatus.NOT_APPLICABLE,
)


def rate(numerator: str, denominator: str = "100") -> Figures:
    return Figures(Decimal(numerator), Decimal(denominator))


def count(numerator: str) -> Figures:
    return Figures(Decimal(numerator))


def measure(
    minimum: str,
    maximum: str,
    direction: Direction = Direction.HIGHER_IS_BETTER,
    basis: ThresholdBasis = ThresholdBasis.ABSOLUTE,
    baseline: str | None = None,
    denominator: str | None = "of",
) -> NumericMeasure:
    """A rate, or a count when given no denominator label."""
    return NumericMeasure(
        "measured",
        denominator,
        Decimal(minimum),
        Decimal(maximum),
        direction,
        basis,
        None if baseline is None else Decimal(baseline),
    )


def flu_measure() -> NumericMeasure:
    """The builders' flu measure: 60% to 80% uptake."""
    result = flu_milestone().measure
    assert result is not None
    return result


@pytest.mark.parametrize(
    ("status", "earned"), [(MET, Decimal(1)), (NOT_MET, Decimal(0)), (PARTLY, HALF)], ids=["Met", "Not Met", "Partly"]
)
def test_a_narrative_milestone_earns_one_nothing_or_the_partial_fraction(
    status: AssessmentStatus, earned: Decimal
) -> None:
    result = achievement(status, narrative_milestone(), None, RULES)

    assert result == earned and isinstance(result, Decimal)


def test_partially_met_earns_whatever_partial_fraction_the_programme_set() -> None:
    assert achievement(PARTLY, narrative_milestone(), None, as_set_up(Decimal("0.3"))) == Decimal("0.3")


@pytest.mark.parametrize("milestone", [narrative_milestone(), flu_milestone()], ids=["narrative", "numeric"])
def test_na_earns_none_so_the_milestone_leaves_both_totals(milestone: Milestone) -> None:
    assert achievement(NA, milestone, None, RULES) is None


@pytest.mark.parametrize(
    ("uptake", "share"),
    [("70", "0.5"), ("65", "0.25"), ("60", "0"), ("80", "1"), ("45", "0"), ("95", "1")],
    ids=["70%", "65%", "at minimum", "at maximum", "clamped below", "clamped above"],
)
def test_flu_uptake_is_paid_on_a_sliding_scale_from_60_to_80_percent(uptake: str, share: str) -> None:
    assert threshold_share(flu_measure(), rate(uptake)) == Decimal(share)


@pytest.mark.parametrize(
    ("value", "share"),
    [("15", "0.5"), ("10", "1"), ("5", "1"), ("20", "0"), ("25", "0")],
    ids=["between", "at best threshold", "better still", "at worst threshold", "worse still"],
)
def test_when_lower_is_better_the_scale_is_reversed(value: str, share: str) -> None:
    readmissions = measure("0.10", "0.20", Direction.LOWER_IS_BETTER)

    assert threshold_share(readmissions, rate(value)) == Decimal(share)


@pytest.mark.parametrize(
    ("direction", "value", "share"),
    [
        (Direction.HIGHER_IS_BETTER, "75", "1"),
        (Direction.HIGHER_IS_BETTER, "74.9", "0"),
        (Direction.LOWER_IS_BETTER, "75", "1"),
        (Direction.LOWER_IS_BETTER, "75.1", "0"),
    ],
    ids=["higher: on target", "higher: just short", "lower: on target", "lower: just over"],
)
def test_equal_thresholds_pay_all_or_nothing(direction: Direction, value: str, share: str) -> None:
    assert threshold_share(measure("0.75", "0.75", direction), rate(value)) == Decimal(share)


@pytest.mark.parametrize(("value", "share"), [("75", "1"), ("72.5", "0.5"), ("70", "0"), ("68", "0"), ("80", "1")])
def test_a_five_point_improvement_is_measured_in_points_from_the_baseline(value: str, share: str) -> None:
    improvement = measure("0", "0.05", basis=ThresholdBasis.POINTS_FROM_BASELINE, baseline="0.70")

    assert threshold_share(improvement, rate(value)) == Decimal(share)


@pytest.mark.parametrize(
    ("attendances", "share"), [("800", "1"), ("900", "0.5"), ("1000", "0"), ("1100", "0"), ("700", "1")]
)
def test_a_twenty_percent_reduction_is_measured_as_change_from_the_baseline(attendances: str, share: str) -> None:
    reduction = measure(
        "-0.20", "0", Direction.LOWER_IS_BETTER, ThresholdBasis.CHANGE_FROM_BASELINE, baseline="1000", denominator=None
    )

    assert threshold_share(reduction, count(attendances)) == Decimal(share)


@pytest.mark.parametrize("basis", [ThresholdBasis.POINTS_FROM_BASELINE, ThresholdBasis.CHANGE_FROM_BASELINE])
def test_thresholds_relative_to_a_missing_baseline_cannot_be_measured(basis: ThresholdBasis) -> None:
    with pytest.raises(BaselineMissingError):
        threshold_share(measure("0", "0.05", basis=basis), rate("75"))


@pytest.mark.parametrize(
    ("share", "status"),
    [("1", MET), ("1.2", MET), ("0.5", PARTLY), ("0.0001", PARTLY), ("0", NOT_MET), ("-0.1", NOT_MET)],
)
def test_the_share_decides_the_status(share: str, status: AssessmentStatus) -> None:
    assert status_for_share(Decimal(share)) is status


@pytest.mark.parametrize(
    ("uptake", "status", "earned"), [("70", PARTLY, "0.5"), ("85", MET, "1"), ("55", NOT_MET, "0")]
)
def test_a_numeric_milestone_earns_its_threshold_share_not_the_partial_fraction(
    uptake: str, status: AssessmentStatus, earned: str
) -> None:
    assert achievement(status, flu_milestone(), rate(uptake), as_set_up(Decimal("0.9"))) == Decimal(earned)


@pytest.mark.parametrize(("uptake", "status"), [("70", MET), ("70", NOT_MET), ("85", PARTLY), ("55", PARTLY)])
def test_a_status_contradicting_the_figures_is_refused(uptake: str, status: AssessmentStatus) -> None:
    with pytest.raises(StatusDisagreesWithFiguresError):
        achievement(status, flu_milestone(), rate(uptake), RULES)


def test_the_refusal_says_a_reason_lets_the_commissioner_depart_from_the_share() -> None:
    with pytest.raises(StatusDisagreesWithFiguresError) as refused:
        achievement(MET, flu_milestone(), rate("70"), RULES)

    assert str(refused.value) == (
        "the figures give 50%, which is Partially Met, not Met; to depart from the share the figures give,"
        " record your reason, such as figures that were not validated"
    )


@pytest.mark.parametrize(
    ("uptake", "status", "earned"),
    [("70", MET, "1"), ("70", NOT_MET, "0"), ("85", PARTLY, "0.3"), ("55", PARTLY, "0.3"), ("55", MET, "1")],
)
def test_with_a_reason_the_chosen_status_earns_what_it_earns_whatever_the_figures(
    uptake: str, status: AssessmentStatus, earned: str
) -> None:
    chosen = achievement(status, flu_milestone(), rate(uptake), as_set_up(Decimal("0.3")), "figures not validated")

    assert chosen == Decimal(earned)


def test_with_a_reason_a_numeric_milestone_may_be_taken_out_of_the_totals() -> None:
    assert achievement(NA, flu_milestone(), rate("70"), RULES, "the ward closed in June") is None


@pytest.mark.parametrize(
    ("status", "milestone", "figures"),
    [(PARTLY, flu_milestone(), rate("70")), (MET, narrative_milestone(), None), (NOT_MET, flu_milestone(), None)],
    ids=["the status follows the figures", "a narrative milestone", "no figures"],
)
def test_a_reason_to_depart_from_figures_is_refused_where_there_is_nothing_to_depart_from(
    status: AssessmentStatus, milestone: Milestone, figures: Figures | None
) -> None:
    with pytest.raises(NothingToOverrideError):
        achievement(status, milestone, figures, RULES, "not validated")


def test_a_numeric_milestone_without_figures_is_not_met_and_earns_nothing() -> None:
    assert achievement(NOT_MET, flu_milestone(), None, RULES) == Decimal(0)


@pytest.mark.parametrize("status", [MET, PARTLY], ids=lambda s: s.value)
def test_a_numeric_milestone_cannot_be_met_without_figures(status: AssessmentStatus) -> None:
    with pytest.raises(FiguresRequiredError):
        achievement(status, flu_milestone(), None, RULES)


def test_a_numeric_milestone_from_a_missing_baseline_cannot_be_assessed() -> None:
    unset = Milestone(
        "AE",
        "Reduce A&E",
        Quarter.Q4,
        date(2015, 3, 31),
        measure=measure("-0.2", "0", basis=ThresholdBasis.CHANGE_FROM_BASELINE, denominator=None),
    )

    with pytest.raises(BaselineMissingError):
        achievement(MET, unset, count("800"), RULES)
