"""A programme's on-account basis: what each provider is paid monthly before its achievement is known, and the sum a
statement may settle before a finance approver must issue it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.limits import APPROVAL_THRESHOLD, FRACTION
from domain.payments import pounds

MONTHS = 12
YEAR_END = 13  # the year-end statement's month: after March's, once every quarter has closed


@dataclass(frozen=True)
class OnAccountBasis:
    """Paid monthly: the CQUIN value / 12 x the expected achievement; statements settling more than the approval
    threshold (either way) are a finance approver's to issue."""

    expected_achievement: Decimal
    approval_threshold: Decimal

    def __post_init__(self) -> None:
        expected = FRACTION.check(self.expected_achievement, "expected_achievement")
        object.__setattr__(self, "expected_achievement", expected)
        threshold = APPROVAL_THRESHOLD.check(self.approval_threshold, "approval_threshold")
        object.__setattr__(self, "approval_threshold", threshold)

    def monthly_payment(self, cquin_value: Decimal) -> Decimal:
        """One month's payment on account to a provider of this CQUIN value: money paid, so in whole pence (what the
        rounding leaves over comes back in the adjustments and the true-up, which are exact)."""
        return pounds(cquin_value * self.expected_achievement / MONTHS)


MONTH_NAMES = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)


def month_label(month: int) -> str:
    """A month of the contract year by name: 1 is April, 12 March, 13 the year end."""
    return "Year end" if month == YEAR_END else MONTH_NAMES[month - 1]
