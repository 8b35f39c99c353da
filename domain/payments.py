"""DOMAIN.md's payment rules: a provider's CQUIN value split by scheme weight, then by milestone weight."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal
from typing import Generic, TypeVar

K = TypeVar("K")
ZERO = Decimal(0)
PENNY = Decimal("0.01")


def split(total: Decimal, weights: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Share `total` in proportion to the weights; exact, never rounded."""
    whole = sum(weights.values(), ZERO)
    if whole <= 0:
        return {key: ZERO for key in weights}
    return {key: total * weight / whole for key, weight in weights.items()}


@dataclass(frozen=True)
class Stake(Generic[K]):
    """One provider-milestone's value and, once assessed, its achievement (None for N/A)."""

    key: K
    value: Decimal
    assessed: bool
    achievement: Decimal | None


@dataclass(frozen=True)
class Figures:
    """The money DOMAIN.md reports, in exact pounds."""

    available: Decimal = ZERO
    earned: Decimal = ZERO
    at_risk: Decimal = ZERO

    @property
    def achieved(self) -> Decimal | None:
        """Earned over available, or None when nothing has been assessed as at stake."""
        return self.earned / self.available if self.available else None

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            exact_sum(self.available, other.available),
            exact_sum(self.earned, other.earned),
            exact_sum(self.at_risk, other.at_risk),
        )

    def __sub__(self, other: Figures) -> Figures:
        return self + Figures(other.available.copy_negate(), other.earned.copy_negate(), other.at_risk.copy_negate())

    @property
    def shortfall(self) -> Decimal:
        """What a pay-on-account contract claws back."""
        return exact_sum(self.available, self.earned.copy_negate())


def figures(stakes: Iterable[Stake[K]], money: Callable[[Decimal], Decimal] | None = None) -> Figures:
    """Available, earned and at risk over some stakes, each milestone's money counted by `money` (exact unless the
    payment rules round each milestone); N/A that leaves the totals leaves both available and earned."""
    money = money or _exact
    available = earned = at_risk = ZERO  # summed field by field: one Figures at the end, not two a stake
    for stake in stakes:
        if not stake.assessed:
            at_risk = exact_sum(at_risk, money(stake.value))
        elif stake.achievement is not None:
            available = exact_sum(available, money(stake.value))
            earned = exact_sum(earned, money(stake.value * stake.achievement))
    return Figures(available, earned, at_risk)


def _exact(amount: Decimal) -> Decimal:
    return amount


def exact_sum(a: Decimal, b: Decimal) -> Decimal:
    """a + b unrounded, however far apart their digits (the default context keeps 28): so parts add up to their
    total exactly, in any order."""
    if not (a.is_finite() and b.is_finite()):
        return a + b
    return _UNROUNDED.add(a, b)


# Addition needs no more digits than its result has, so the largest precision rounds nothing and costs nothing more:
# the same sum, to the digit, as a context sized to the operands, without building one for every addition.
_UNROUNDED = Context(prec=MAX_PREC)


def pounds(amount: Decimal) -> Decimal:
    """Round to the penny, for showing only; exact however large the amount (the default context would refuse
    past 28 digits)."""
    return to_the_penny(amount, ROUND_HALF_UP)


def to_the_penny(amount: Decimal, rounding: str) -> Decimal:
    """The amount quantized to the penny with this rounding, however many digits it has: room for its whole pounds,
    the pence and a carry (999.999 rounds to 1000.00)."""
    digits = max(amount.adjusted() + 4, 28) if amount.is_finite() else 28
    return amount.quantize(PENNY, rounding=rounding, context=Context(prec=digits))


def percentage(share: Decimal) -> Decimal:
    """A share as a percentage rounded half up to 2 places, for showing only: 0.946454 is 94.65."""
    return pounds(share * 100)
