"""The review arithmetic answers for any figures an aggregate may hold, even figures recorded before the limits."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.payment_rules import as_set_up
from domain.achievement import AssessmentStatus, achievement, status_for_share, threshold_share
from domain.errors import DomainError
from domain.evidence import Figures
from domain.milestones import Direction, Milestone, NumericMeasure, ThresholdBasis
from tests.builders import flu_milestone
from web.pages.rendering import environment

T = TypeVar("T")
FLU = flu_milestone()
ANY_DECIMAL = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(
        lambda digits, exponent: Decimal(f"{digits}E{exponent}"),
        st.integers(-(10**40), 10**40),
        st.integers(-999999999, 999999999),
    ),
)


def as_recorded(cls: type[T], **values: Any) -> T:
    """A value object as an old event holds it: built without today's checks."""
    value = object.__new__(cls)
    for field in fields(cls):  # type: ignore[arg-type]
        object.__setattr__(value, field.name, values.get(field.name, field.default))
    return value


def old_figures(numerator: str, denominator: str | None = None) -> Figures:
    return as_recorded(
        Figures, numerator=Decimal(numerator), denominator=None if denominator is None else Decimal(denominator)
    )


def measure_of(milestone: Milestone) -> NumericMeasure:
    assert milestone.measure is not None
    return milestone.measure


@pytest.mark.parametrize(
    ("figures", "share"),
    [
        (old_figures("50"), Decimal(0)),
        (old_figures("1E+999999999", "1E+999999999"), Decimal(1)),
        (old_figures("1E+999999999", "3"), Decimal(1)),
        (old_figures("1", "1E+999999999"), Decimal(0)),
        (old_figures("Infinity", "100"), Decimal(1)),
        (old_figures("Infinity", "Infinity"), Decimal(0)),
        (old_figures("NaN", "100"), Decimal(0)),
        (old_figures("70", "0"), Decimal(1)),
        (old_figures("0", "0"), Decimal(0)),
        (old_figures("1E-999999999", "1"), Decimal(0)),
    ],
    ids=[
        "a rate of 50 without a denominator",
        "huge over huge",
        "huge over three",
        "one over huge",
        "infinite numerator",
        "infinity over infinity",
        "NaN numerator",
        "zero denominator",
        "nought over nought",
        "tiny numerator",
    ],
)
def test_figures_recorded_before_the_limits_give_a_share_from_nought_to_one(figures: Figures, share: Decimal) -> None:
    assert threshold_share(measure_of(FLU), figures) == share


def test_a_rate_recorded_without_its_denominator_earns_nothing_so_a_rate_of_fifty_never_forces_met() -> None:
    figures = old_figures("50")

    assert status_for_share(threshold_share(measure_of(FLU), figures)) is AssessmentStatus.NOT_MET
    assert achievement(AssessmentStatus.NOT_MET, FLU, figures, as_set_up(Decimal("0.5"))) == Decimal(0)


def test_the_value_of_huge_figures_is_an_answer_not_an_error() -> None:
    assert old_figures("1E+999999999", "3").value == Decimal("3.333333333333333333333333333E+999999998")


def test_a_share_that_cannot_be_known_is_not_met() -> None:
    assert status_for_share(Decimal("NaN")) is AssessmentStatus.NOT_MET


@given(
    numerator=ANY_DECIMAL, denominator=st.none() | ANY_DECIMAL, bounds=st.tuples(ANY_DECIMAL, ANY_DECIMAL, ANY_DECIMAL)
)
@settings(max_examples=300, deadline=None)
def test_no_figures_and_no_recorded_measure_make_the_review_arithmetic_raise(
    numerator: Decimal, denominator: Decimal | None, bounds: tuple[Decimal, Decimal, Decimal]
) -> None:
    minimum, maximum, baseline = bounds
    figures = as_recorded(Figures, numerator=numerator, denominator=denominator)
    for basis in ThresholdBasis:
        for direction in Direction:
            for label in ("staff", None):
                measure = as_recorded(
                    NumericMeasure,
                    numerator="vaccinated",
                    denominator=label,
                    minimum=minimum,
                    maximum=maximum,
                    direction=direction,
                    basis=basis,
                    baseline=baseline,
                )
                share = threshold_share(measure, figures)
                assert Decimal(0) <= share <= Decimal(1)
                milestone = as_recorded(Milestone, **{f.name: getattr(FLU, f.name) for f in fields(Milestone)})
                object.__setattr__(milestone, "measure", measure)
                for status in AssessmentStatus:
                    try:
                        achievement(status, milestone, figures, as_set_up(Decimal("0.5")))
                    except DomainError:
                        pass


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0.765"), "76.50%"),
        (Decimal("3.333333333333333333333333333E+999999998"), "3.333E+1000000000%"),
        (Decimal("Infinity"), "Infinity%"),
        (Decimal("NaN"), "NaN%"),
    ],
)
def test_the_review_page_shows_any_value_as_a_short_percentage(value: Decimal, shown: str) -> None:
    assert environment.filters["percent"](value, 2) == shown
