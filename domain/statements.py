"""A statement's figures, by a pure function: each month what was paid on account and how the quarters closed so far
reconcile with what the basis assumed for them; at the year's end the true-up, so that the year pays exactly what it
earned."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from domain.milestones import Quarter
from domain.on_account import YEAR_END

ZERO = Decimal(0)
# Sums of exact pounds never round: 28 digits of a figure and 12 more of magnitude fit with room to spare.
EXACT = Context(prec=80)


@dataclass(frozen=True)
class Settlement:
    """What a provider's statement settles against, as the payments read it: the value of its milestones in closed
    quarters (N/A ones too) and what they earned, as restated; what every assessed milestone earned; and the quarters
    in which any of its milestones is still open."""

    value_closed: Decimal = ZERO
    earned_closed: Decimal = ZERO
    earned_to_date: Decimal = ZERO
    open_quarters: tuple[Quarter, ...] = ()

    @property
    def year_closed(self) -> bool:
        """Every one of the provider's milestones is in a closed quarter."""
        return not self.open_quarters


@dataclass(frozen=True)
class StatementFigures:
    """One provider's statement for one month of the contract year (April is 1, March 12, the year end 13)."""

    month: int
    on_account_payment: Decimal  # this month's payment on account
    paid_on_account_to_date: Decimal
    earned_to_date: Decimal  # over every assessed milestone, closed or not: for information
    adjustments_before: Decimal  # the adjustments earlier statements issued
    adjustment_due: Decimal
    true_up: Decimal | None = None  # the year end's balancing sum, in its statement only
    value_closed: Decimal = ZERO  # the value of the provider's milestones in closed quarters
    earned_closed: Decimal = ZERO  # what those milestones earned, as restated
    expected_closed: Decimal = ZERO  # what the basis assumed they would earn: value closed x expected achievement

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
    month: int,
    monthly_payment: Decimal,
    expected_achievement: Decimal,
    settlement: Settlement,
    previous: StatementFigures | None,
) -> StatementFigures:
    """The month's figures after `previous` (the month before's statement, none for April). Each month pays
    `monthly_payment` on account, and its adjustment reconciles the closed quarters: what they earned less what the
    basis assumed for them, less the adjustments already issued. The year end pays nothing on account; its true-up
    is what the year earned less everything paid."""
    with localcontext(EXACT):
        on_account = ZERO if month == YEAR_END else monthly_payment
        paid_on_account = (previous.paid_on_account_to_date if previous else ZERO) + on_account
        before = previous.adjustments_to_date if previous else ZERO
        expected = expected_achievement * settlement.value_closed
        reconciled = settlement.earned_closed - expected - before
        balance = settlement.earned_to_date - (paid_on_account + before)
    due, true_up = (ZERO, balance) if month == YEAR_END else (reconciled, None)
    return StatementFigures(
        month,
        on_account,
        paid_on_account,
        settlement.earned_to_date,
        before,
        due,
        true_up,
        settlement.value_closed,
        settlement.earned_closed,
        expected,
    )
