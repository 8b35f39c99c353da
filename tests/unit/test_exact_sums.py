"""Money adds up exactly: parts however far apart in their digits sum to the digit, in any order."""

from __future__ import annotations

from decimal import Context, Decimal
from itertools import permutations

from domain.payments import Figures, Stake, exact_sum, figures, split

WIDE = Context(prec=400)  # more digits than any sum below has: it rounds nothing


def test_given_a_fortune_and_a_sliver_when_added_then_nothing_of_either_is_lost() -> None:
    fortune, sliver = Decimal("1E+30"), Decimal("1E-30")

    total = exact_sum(fortune, sliver)

    assert str(total) == "1000000000000000000000000000000." + "0" * 29 + "1"
    assert total != fortune + sliver  # the default context keeps 28 digits and drops the sliver


def test_given_a_value_split_in_thirds_and_a_penny_when_summed_in_any_order_then_each_order_gives_the_same_digits() -> (
    None
):
    thirds = list(split(Decimal("156250.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)}).values())
    parts = [*thirds, Decimal("0.01"), Decimal("-1250000")]
    expected = str(_wide_sum(parts))

    sums = set()
    for order in permutations(parts):
        total = Decimal(0)
        for part in order:
            total = exact_sum(total, part)
        sums.add(str(total))

    assert sums == {expected}


def test_given_stakes_when_their_figures_are_summed_then_available_earned_and_at_risk_are_exact() -> None:
    values = list(split(Decimal("187500"), {"M1": Decimal(1), "M2": Decimal(2), "M3": Decimal(3)}).values())
    stakes = [Stake("M1", values[0], True, Decimal("0.55")), Stake("M2", values[1], True, None)]
    stakes.append(Stake("M3", values[2], False, None))

    total = figures(stakes)

    assert total == Figures(values[0], values[0] * Decimal("0.55"), values[2])  # M2 is N/A: neither side
    assert str(total.available) == str(_wide_sum([Decimal(0), values[0]]))


def _wide_sum(parts: list[Decimal]) -> Decimal:
    total = Decimal(0)
    for part in parts:
        total = WIDE.add(total, part)
    return total
