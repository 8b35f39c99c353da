"""The payment rules a programme pays by: a named, versioned specification of how an assessment becomes money.

What varies between versions, as NHS England's guidance varies from year to year: the fraction Partially Met
earns, what N/A does to the totals, the shape of a numeric milestone's sliding scale, and where pennies are rounded.
A programme records the version it pays by; adopting another is an event with a reason, and replaying a programme
under another version shows what the change would do to each provider's money, recording nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal
from enum import Enum

from domain.achievement import AssessmentStatus, as_percent
from domain.errors import DomainError
from domain.payments import pounds

ONE = Decimal(1)
ZERO = Decimal(0)


class UnknownRulesError(DomainError):
    """Only the published versions of the payment rules can be adopted or replayed."""

    field = "version"


class NotApplicable(Enum):
    """What an N/A assessment does to the provider's money."""

    LEAVES_THE_TOTALS = "leaves the totals"  # neither available nor earned: the other milestones carry the money
    EARNS_IN_FULL = "earns in full"  # paid as though Met


class Scale(Enum):
    """The shape of a numeric milestone's sliding scale between its minimum and maximum thresholds."""

    LINEAR = "linear"  # the share earned rises in a straight line
    STEPPED = "stepped"  # the share rounds down to the last step reached


class Rounding(Enum):
    """Where money is rounded to the penny."""

    EXACT = "exact"  # every sum exact; pennies only where money is shown or paid
    EACH_MILESTONE = "each milestone"  # each milestone's value and earnings rounded half up to the penny


@dataclass(frozen=True)
class PaymentRules:
    """One version of the rules: how a status, or a numeric milestone's share of its thresholds, earns money."""

    version: str
    partial_fraction: Decimal
    not_applicable: NotApplicable = NotApplicable.LEAVES_THE_TOTALS
    scale: Scale = Scale.LINEAR
    steps: int = 4  # a stepped scale's steps: 4 pays 0, 25%, 50%, 75% or 100%
    rounding: Rounding = Rounding.EXACT
    title: str = ""

    def earns(self, status: AssessmentStatus, figures_share: Decimal | None) -> Decimal | None:
        """The fraction of a milestone's value earned: the scaled share where the status follows the figures (pass
        the share only then), else what the status earns; None where N/A leaves the totals."""
        if figures_share is not None:
            return self.scaled(figures_share)
        if status is AssessmentStatus.NOT_APPLICABLE:
            return ONE if self.not_applicable is NotApplicable.EARNS_IN_FULL else None
        return {AssessmentStatus.MET: ONE, AssessmentStatus.PARTIALLY_MET: self.partial_fraction}.get(status, ZERO)

    def scaled(self, share: Decimal) -> Decimal:
        """A share of the thresholds (0 to 1) on this version's sliding scale."""
        if self.scale is Scale.LINEAR or share >= ONE:
            return share
        return (share * self.steps).to_integral_value(rounding=ROUND_FLOOR) / self.steps

    def money(self, amount: Decimal) -> Decimal:
        """A milestone's value or earnings as this version counts them: exact, or rounded to the penny."""
        return pounds(amount) if self.rounding is Rounding.EACH_MILESTONE else amount

    @property
    def terms(self) -> list[str]:
        """The version's rules in plain words, one a line."""
        scale = (
            "a numeric milestone earns its share of the thresholds in a straight line"
            if self.scale is Scale.LINEAR
            else f"a numeric milestone earns its share of the thresholds in {self.steps} steps, rounded down"
        )
        return [
            f"Partially Met earns {as_percent(self.partial_fraction)}",
            scale,
            "N/A leaves the milestone out of the totals"
            if self.not_applicable is NotApplicable.LEAVES_THE_TOTALS
            else "N/A earns the milestone's value in full",
            "money is exact, rounded to the penny only where shown or paid"
            if self.rounding is Rounding.EXACT
            else "each milestone's value and earnings are rounded to the penny",
        ]


STANDARD = PaymentRules("standard-1", Decimal("0.5"), title="Standard: half for Partially Met, a straight line")

# The published versions, oldest first; what `corral payments replay --rules` and adoption choose from.
RULEBOOK: dict[str, PaymentRules] = {
    rules.version: rules
    for rules in (
        STANDARD,
        replace(STANDARD, version="partial-60", partial_fraction=Decimal("0.6"), title="60% for Partially Met"),
        replace(STANDARD, version="stepped-quarters", scale=Scale.STEPPED, title="A sliding scale in quarter steps"),
        replace(STANDARD, version="na-earns", not_applicable=NotApplicable.EARNS_IN_FULL, title="N/A paid in full"),
        replace(
            STANDARD, version="penny-each", rounding=Rounding.EACH_MILESTONE, title="Pennies milestone by milestone"
        ),
    )
}


def published(version: str) -> PaymentRules:
    """A published version by its name."""
    rules = RULEBOOK.get(version)
    if rules is None:
        raise UnknownRulesError(f"there is no payment rules version {version!r}: choose one of {', '.join(RULEBOOK)}")
    return rules


def as_set_up(partial_fraction: Decimal) -> PaymentRules:
    """The rules a programme pays by from its set-up: the standard version, with the partial fraction it was set up
    with (a programme set up before versions existed chose only that)."""
    if partial_fraction == STANDARD.partial_fraction:
        return STANDARD
    return replace(
        STANDARD,
        version=f"set-up-{as_percent(partial_fraction).rstrip('%')}",
        partial_fraction=partial_fraction,
        title=f"As set up: {as_percent(partial_fraction)} for Partially Met",
    )
