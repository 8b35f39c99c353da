"""The contract-year calendar and what makes a milestone or a numeric measure well defined."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.limits import InvalidInputError
from domain.milestones import contract_year_label, Direction, InvalidMilestoneError, Milestone
from domain.milestones import NumericMeasure, Quarter, ThresholdBasis
from tests.builders import ACUTE_ID, COMMUNITY_ID, flu_milestone, narrative_milestone


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (Quarter.Q1, date(2017, 4, 1), date(2017, 6, 30)),
        (Quarter.Q2, date(2017, 7, 1), date(2017, 9, 30)),
        (Quarter.Q3, date(2017, 10, 1), date(2017, 12, 31)),
        (Quarter.Q4, date(2018, 1, 1), date(2018, 3, 31)),
    ],
)
def test_the_quarters_of_2017_18_run_april_to_march(quarter: Quarter, first: date, last: date) -> None:
    assert (quarter.first_day(2017), quarter.last_day(2017)) == (first, last)


@pytest.mark.parametrize("year", [2014, 2019, 2099])
def test_the_quarters_tile_the_contract_year_without_gaps(year: int) -> None:
    quarters = list(Quarter)

    assert quarters[0].first_day(year) == date(year, 4, 1)
    for earlier, later in zip(quarters, quarters[1:]):
        assert later.first_day(year) == earlier.last_day(year) + timedelta(days=1)
    assert quarters[-1].last_day(year) == date(year + 1, 3, 31)


def test_quarters_are_numbered_from_zero() -> None:
    assert [q.index for q in Quarter] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("start", "label"), [(2017, "2017/18"), (2019, "2019/20"), (2009, "2009/10"), (1999, "1999/00")]
)
def test_a_contract_year_is_labelled_by_both_calendar_years(start: int, label: str) -> None:
    assert contract_year_label(start) == label


def test_a_numeric_measure_needs_a_numerator_label() -> None:
    with pytest.raises(InvalidMilestoneError):
        NumericMeasure("  ", "staff", Decimal("0.6"), Decimal("0.8"))


def test_a_numeric_measures_minimum_threshold_is_not_above_its_maximum() -> None:
    with pytest.raises(InvalidMilestoneError):
        NumericMeasure("vaccinated", "staff", Decimal("0.8"), Decimal("0.6"), Direction.LOWER_IS_BETTER)


def test_a_change_from_a_baseline_of_zero_cannot_be_measured() -> None:
    with pytest.raises(InvalidMilestoneError):
        NumericMeasure(
            "attendances",
            None,
            Decimal("-0.2"),
            Decimal(0),
            basis=ThresholdBasis.CHANGE_FROM_BASELINE,
            baseline=Decimal(0),
        )


def test_points_from_a_baseline_of_zero_are_measurable() -> None:
    points = NumericMeasure(
        "assessed",
        "patients",
        Decimal(0),
        Decimal("0.05"),
        basis=ThresholdBasis.POINTS_FROM_BASELINE,
        baseline=Decimal(0),
    )

    assert not points.needs_baseline


@pytest.mark.parametrize(
    ("basis", "baseline", "needs"),
    [
        (ThresholdBasis.ABSOLUTE, None, False),
        (ThresholdBasis.POINTS_FROM_BASELINE, None, True),
        (ThresholdBasis.CHANGE_FROM_BASELINE, None, True),
        (ThresholdBasis.CHANGE_FROM_BASELINE, Decimal(1000), False),
    ],
)
def test_a_measure_needs_a_baseline_only_when_its_thresholds_are_relative_to_an_unset_one(
    basis: ThresholdBasis, baseline: Decimal | None, needs: bool
) -> None:
    assert NumericMeasure("n", None, Decimal(0), Decimal(1), basis=basis, baseline=baseline).needs_baseline is needs


@pytest.mark.parametrize(("code", "title"), [("", "Flu"), ("FLU", " ")])
def test_a_milestone_needs_a_code_and_a_title(code: str, title: str) -> None:
    with pytest.raises(InvalidMilestoneError):
        Milestone(code, title, Quarter.Q1, date(2014, 7, 31))


@pytest.mark.parametrize("weight", [Decimal(0), Decimal(-1)])
def test_a_milestone_needs_a_positive_weight(weight: Decimal) -> None:
    with pytest.raises(InvalidInputError) as refused:
        Milestone("M1", "Plan discharge at admission", Quarter.Q1, date(2014, 7, 31), weight=weight)
    assert refused.value.field == "weight"


def test_a_shared_milestone_applies_to_every_participant() -> None:
    shared = narrative_milestone()

    assert shared.is_shared and shared.applies_to(ACUTE_ID) and shared.applies_to(COMMUNITY_ID)


def test_a_targeted_milestone_applies_only_to_its_provider() -> None:
    targeted = narrative_milestone(provider_id=ACUTE_ID)

    assert not targeted.is_shared and targeted.applies_to(ACUTE_ID) and not targeted.applies_to(COMMUNITY_ID)


def test_a_milestone_with_a_measure_is_numeric() -> None:
    assert flu_milestone().is_numeric and not narrative_milestone().is_numeric
