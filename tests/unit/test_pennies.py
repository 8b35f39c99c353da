"""Parts shown to the penny add up to their total shown to the penny, and each stays within a penny of its value."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.payments import PENNY, Figures, percentage, pounds, split
from domain.pennies import apportion, apportioned

AMOUNTS = st.decimals(min_value=Decimal(-(10**12)), max_value=Decimal(10**15), allow_nan=False, places=6)
EXACT = st.builds(lambda a, b: a / b, AMOUNTS, st.integers(1, 997).map(Decimal))


@given(st.lists(EXACT, max_size=30))
def test_apportioned_parts_always_add_up_to_their_total_each_within_a_penny(parts: list[Decimal]) -> None:
    shown = apportion(dict(enumerate(parts)))

    assert sum(shown.values(), Decimal(0)) == pounds(sum(parts, Decimal(0)))
    assert all(value == value.quantize(PENNY) for value in shown.values())
    assert all(abs(shown[i] - exact) < PENNY for i, exact in enumerate(parts))


def test_a_third_each_of_a_hundred_pounds_shows_as_33_34_33_33_and_33_33() -> None:
    thirds = split(Decimal(100), {"NUT": Decimal(1), "FLU": Decimal(1), "SEP": Decimal(1)})

    assert [pounds(v) for v in thirds.values()] == [Decimal("33.33")] * 3  # rounded alone, a penny short of £100
    assert list(apportion(thirds).values()) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_the_scheme_that_rounding_down_cost_most_takes_the_penny_owed() -> None:
    shown = apportion({"NUT": Decimal("10.004"), "FLU": Decimal("10.008"), "SEP": Decimal("10.001")})

    assert shown == {"NUT": Decimal("10.00"), "FLU": Decimal("10.01"), "SEP": Decimal("10.00")}


@given(st.lists(st.tuples(EXACT, EXACT, EXACT), max_size=12))
def test_every_figure_of_apportioned_schemes_adds_up_to_the_providers_total(parts: list[tuple[Decimal, ...]]) -> None:
    schemes = {i: Figures(abs(a) + abs(e), abs(a), abs(r)) for i, (a, e, r) in enumerate(parts)}
    total = sum(schemes.values(), Figures())

    shown = apportioned(schemes).values()

    assert sum(s.available for s in shown) == pounds(total.available)
    assert sum(s.earned for s in shown) == pounds(total.earned)
    assert sum(s.shortfall for s in shown) == pounds(total.shortfall)
    assert sum(s.at_risk for s in shown) == pounds(total.at_risk)


def test_a_share_shows_as_a_percentage_rounded_half_up_like_the_money() -> None:
    assert percentage(Decimal("0.12345")) == Decimal("12.35")  # half even would give 12.34
    assert percentage(Decimal(16350000) / Decimal(17275000)) == Decimal("94.65")


def test_an_amount_of_as_many_digits_as_there_are_rounds_up_to_the_next_pound_with_one_more_digit() -> None:
    nines = Decimal("999999999999999999999999999.999")  # 27 digits of pounds: rounding carries into a 28th

    assert pounds(nines) == Decimal("1000000000000000000000000000.00")
    assert apportioned({"all": Figures(available=-nines)})["all"].available == pounds(-nines)
