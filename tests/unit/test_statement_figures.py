"""A statement's figures worked by hand: the adjustment settles earned against paid, and March's true-up makes the
year pay exactly what it earned, whatever was earned when and however the payment on account was rounded."""

from __future__ import annotations

from decimal import Decimal

from domain.on_account import OnAccountBasis
from domain.statements import StatementFigures, statement_figures


def played(earned_by_month: list[Decimal], monthly: Decimal) -> list[StatementFigures]:
    year: list[StatementFigures] = []
    for month, earned in enumerate(earned_by_month, start=1):
        year.append(statement_figures(month, monthly, earned, year[-1] if year else None))
    return year


def test_the_monthly_payment_is_a_twelfth_of_the_cquin_value_at_the_expected_achievement_in_pence() -> None:
    assert OnAccountBasis(Decimal("0.7"), Decimal(0)).monthly_payment(Decimal(2_500_000)) == Decimal("145833.33")
    assert OnAccountBasis(Decimal(1), Decimal(0)).monthly_payment(Decimal(1_200_000)) == Decimal(100_000)


def test_an_adjustment_is_earned_to_date_less_everything_paid_before_it() -> None:
    april, may = played([Decimal(0), Decimal(250_000)], Decimal(100_000))

    assert (april.paid_on_account_to_date, april.adjustment_due) == (Decimal(100_000), Decimal(-100_000))
    assert (may.paid_on_account_to_date, may.adjustments_before) == (Decimal(200_000), Decimal(-100_000))
    assert may.adjustment_due == Decimal(150_000) and may.paid_to_date == Decimal(250_000)
    assert april.true_up is None and may.true_up is None


def test_march_trues_up_the_year_to_exactly_what_it_earned() -> None:
    thirds = Decimal(2_500_000) / 3  # a sum that never ends, as a milestone's share of a value can be
    earned = [Decimal(0)] * 3 + [thirds] * 3 + [2 * thirds] * 3 + [Decimal("2345678.9012345")] * 3
    year = played(earned, Decimal("145833.33"))
    march = year[-1]

    assert march.adjustment_due == 0 and march.true_up is not None
    assert march.paid_to_date == Decimal("2345678.9012345")
    assert sum(f.on_account_payment for f in year) + sum(f.settles for f in year) == Decimal("2345678.9012345")
