"""A monthly statement's figures, by a pure function: what was paid on account, what was earned, and what settles the
difference; at the year's end the true-up, so that the year pays exactly what it earned."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from domain.on_account import MONTHS

ZERO = Decimal(0)
# Sums of exact pounds never round: 28 digits of a figure and 12 more of magnitude fit with room to spare.
EXACT = Context(prec=80)


@dataclass(frozen=True)
class StatementFigures:
    """One provider's statement for one month of the contract year (April is 1, March 12)."""

    month: int
    on_account_payment: Decimal  # this month's payment on account
    paid_on_account_to_date: Decimal
    earned_to_date: Decimal
    adjustments_before: Decimal  # the adjustments earlier statements issued
    adjustment_due: Decimal
    true_up: Decimal | None = None  # the year end's balancing sum, in March's statement only

    @property
    def settles(self) -> Decimal:
        """What this statement pays (positive) or claws back (negative) beyond its payment on account."""
        return self.adjustment_due + (self.true_up or ZERO)

    @property
    def adjustments_to_date(self) -> Decimal:
        """Every adjustment and true-up issued up to and including this statement."""
        with localcontext(EXACT):
            return self.adjustments_before + self.settles

    @property
    def paid_to_date(self) -> Decimal:
        """Everything paid by this statement: on account and in adjustments."""
        with localcontext(EXACT):
            return self.paid_on_account_to_date + self.adjustments_to_date


def statement_figures(
    month: int, on_account_payment: Decimal, earned_to_date: Decimal, previous: StatementFigures | None
) -> StatementFigures:
    """The month's figures after `previous` (the month before's statement, none for April): the adjustment due is
    earned to date less everything paid so far; in March it is the true-up instead."""
    with localcontext(EXACT):
        paid_on_account = (previous.paid_on_account_to_date if previous else ZERO) + on_account_payment
        before = previous.adjustments_to_date if previous else ZERO
        balance = earned_to_date - (paid_on_account + before)
    if month == MONTHS:
        return StatementFigures(month, on_account_payment, paid_on_account, earned_to_date, before, ZERO, balance)
    return StatementFigures(month, on_account_payment, paid_on_account, earned_to_date, before, balance)
