"""A statement's figures worked by hand: nothing is clawed back before a quarter closes, each closed quarter is
reconciled against what the basis assumed for it, and the year-end true-up makes the year pay exactly what it earned,
however the payment on account was rounded."""

from __future__ import annotations

from decimal import Decimal, localcontext

from domain.milestones import Quarter
from domain.on_account import YEAR_END, OnAccountBasis, month_label
from domain.statements import EXACT, Settlement, StatementFigures, statement_figures

EXPECTED = Decimal("0.7")
OPEN = (Quarter.Q1, Quarter.Q2, Quarter.Q3, Quarter.Q4)


def played(settlements: list[Settlement], monthly: Decimal) -> list[StatementFigures]:
    year: list[StatementFigures] = []
    for month, settled in enumerate(settlements, start=1):
        year.append(statement_figures(month, monthly, EXPECTED, settled, year[-1] if year else None))
    return year


def test_the_monthly_payment_is_a_twelfth_of_the_cquin_value_at_the_expected_achievement_in_pence() -> None:
    assert OnAccountBasis(Decimal("0.7"), Decimal(0)).monthly_payment(Decimal(2_500_000)) == Decimal("145833.33")
    assert OnAccountBasis(Decimal(1), Decimal(0)).monthly_payment(Decimal(1_200_000)) == Decimal(100_000)


def test_given_nothing_closed_when_statements_are_issued_then_nothing_is_adjusted_whatever_was_earned() -> None:
    assessed_not_closed = Settlement(earned_to_date=Decimal(250_000), open_quarters=OPEN)
    april, may = played([Settlement(open_quarters=OPEN), assessed_not_closed], Decimal(100_000))

    assert (april.adjustment_due, may.adjustment_due) == (0, 0)
    assert may.paid_on_account_to_date == Decimal(200_000) and may.paid_to_date == Decimal(200_000)
    assert may.earned_to_date == Decimal(250_000) and april.true_up is None and may.true_up is None


def test_given_q1_closed_when_july_is_issued_then_it_settles_q1_against_what_the_basis_assumed() -> None:
    # Q1 held 600,000 of value; the basis assumed 70% of it (420,000); it earned 450,000: 30,000 more is due.
    nothing = Settlement(open_quarters=OPEN)
    q1_closed = Settlement(Decimal(600_000), Decimal(450_000), Decimal(450_000), OPEN[1:])
    *_, july, august = played([nothing] * 3 + [q1_closed] * 2, Decimal(100_000))

    assert (july.value_closed, july.earned_closed, july.expected_closed) == (600_000, 450_000, 420_000)
    assert july.adjustment_due == Decimal(30_000) and july.adjustments_before == 0
    assert august.adjustment_due == 0 and august.adjustments_before == Decimal(30_000)


def test_given_a_provider_achieving_exactly_the_expected_achievement_then_no_month_adjusts() -> None:
    q1 = Settlement(Decimal(600_000), Decimal(420_000), Decimal(420_000), OPEN[1:])
    q2 = Settlement(Decimal(1_200_000), Decimal(840_000), Decimal(840_000), OPEN[2:])

    year = played([Settlement(open_quarters=OPEN)] * 3 + [q1] * 3 + [q2] * 6, Decimal(100_000))

    assert [f.adjustment_due for f in year] == [0] * 12


def test_given_the_year_closed_the_year_end_trues_up_to_exactly_what_was_earned_pennies_and_all() -> None:
    thirds = Decimal(2_500_000) / 3  # a sum that never ends, as a milestone's share of a value can be
    earned = Decimal("2345678.9012345")
    q1 = Settlement(thirds, thirds / 2, thirds / 2, OPEN[1:])
    q3 = Settlement(2 * thirds, thirds, thirds + 7, OPEN[3:])
    closed = Settlement(Decimal(2_500_000), earned, earned)
    year = played([Settlement(open_quarters=OPEN)] * 3 + [q1] * 6 + [q3] * 3 + [closed], Decimal("145833.33"))
    year_end = year[-1]

    assert month_label(year_end.month) == "Year end" and year_end.month == YEAR_END
    assert year_end.on_account_payment == 0 and year_end.adjustment_due == 0
    assert year_end.paid_on_account_to_date == Decimal("1749999.96")  # 12 x 145,833.33: 4p short of 1,750,000
    with localcontext(EXACT):
        assert year_end.true_up == earned - Decimal("1749999.96") - year_end.adjustments_before
        paid = sum(f.on_account_payment for f in year) + sum(f.adjustment_due for f in year)
        assert paid + (year_end.true_up or 0) == earned
    assert year_end.paid_to_date == earned
    assert all(f.true_up is None for f in year[:-1])
