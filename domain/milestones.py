"""What must be shown each quarter: milestones, their numeric measures and the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from uuid import UUID

from domain.errors import DomainError
from domain.limits import CODE, LONG_TEXT, NAME, RATE, RATE_POINTS, THRESHOLD, TITLE, WEIGHT, NumberLimit


class InvalidMilestoneError(DomainError):
    """A milestone's definition does not make sense."""


class Quarter(Enum):
    """A quarter of the April-to-March contract year."""

    Q1 = "Q1"
    Q2 = "Q2"
    Q3 = "Q3"
    Q4 = "Q4"

    def first_day(self, contract_year: int) -> date:
        """The quarter's first day, for the contract year starting in April of `contract_year`."""
        month = 4 + 3 * self.index
        return date(contract_year + month // 13, (month - 1) % 12 + 1, 1)

    def last_day(self, contract_year: int) -> date:
        """The quarter's last day."""
        month = 6 + 3 * self.index
        first_of_next = date(contract_year + (month + 1) // 13, month % 12 + 1, 1)
        return first_of_next - timedelta(days=1)

    @property
    def index(self) -> int:
        """0 for Q1 up to 3 for Q4."""
        return int(self.value[1]) - 1


def contract_year_label(start_year: int) -> str:
    """`2017` becomes `2017/18`."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


class Direction(Enum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class ThresholdBasis(Enum):
    """What the thresholds are compared with."""

    ABSOLUTE = "absolute"  # the value itself, e.g. 75% uptake
    POINTS_FROM_BASELINE = "points"  # value - baseline, e.g. a 5 percentage-point improvement
    CHANGE_FROM_BASELINE = "change"  # (value - baseline) / baseline, e.g. -20% attendances


@dataclass(frozen=True)
class NumericMeasure:
    """A numeric indicator: numerator over denominator, paid between two thresholds."""

    numerator: str
    denominator: str | None
    minimum: Decimal
    maximum: Decimal
    direction: Direction = Direction.HIGHER_IS_BETTER
    basis: ThresholdBasis = ThresholdBasis.ABSOLUTE
    baseline: Decimal | None = None

    def __post_init__(self) -> None:
        NAME.check(self.numerator, "numerator")
        if self.denominator is not None:
            NAME.check(self.denominator, "denominator")
        if not self.numerator.strip():
            raise InvalidMilestoneError("a numeric measure needs a numerator label")
        if self.denominator is not None and not self.denominator.strip():
            raise InvalidMilestoneError("a rate needs a denominator label; a count has none")
        thresholds = self._threshold_limit()
        for name in ("minimum", "maximum"):
            object.__setattr__(self, name, thresholds.check(getattr(self, name), name))
        if self.baseline is not None:
            object.__setattr__(self, "baseline", (RATE if self.is_rate else THRESHOLD).check(self.baseline, "baseline"))
        if self.minimum > self.maximum:
            raise InvalidMilestoneError("the minimum threshold is above the maximum")
        if self.baseline is not None and self.basis is ThresholdBasis.CHANGE_FROM_BASELINE:
            if self.baseline == 0:
                raise InvalidMilestoneError("a change from a baseline of zero cannot be measured")

    @property
    def is_rate(self) -> bool:
        """True for numerator over denominator; False for a count."""
        return self.denominator is not None

    def _threshold_limit(self) -> NumberLimit:
        if self.is_rate and self.basis is ThresholdBasis.ABSOLUTE:
            return RATE
        if self.is_rate and self.basis is ThresholdBasis.POINTS_FROM_BASELINE:
            return RATE_POINTS
        return THRESHOLD

    @property
    def needs_baseline(self) -> bool:
        """True when thresholds are relative to a baseline that is not yet set."""
        return self.basis is not ThresholdBasis.ABSOLUTE and self.baseline is None


@dataclass(frozen=True)
class Milestone:
    """What must be shown for one quarter, shared by all participants or targeted at one."""

    code: str
    title: str
    quarter: Quarter
    due: date
    description: str = ""
    provider_id: UUID | None = None
    weight: Decimal = Decimal(1)
    measure: NumericMeasure | None = None

    def __post_init__(self) -> None:
        CODE.check(self.code, "code")
        TITLE.check(self.title, "title")
        object.__setattr__(self, "description", LONG_TEXT.check(self.description, "description"))
        object.__setattr__(self, "weight", WEIGHT.check(self.weight, "weight"))
        if not self.code.strip() or not self.title.strip():
            raise InvalidMilestoneError("a milestone needs a code and a title")

    @property
    def is_shared(self) -> bool:
        """True when every participant must meet it."""
        return self.provider_id is None

    @property
    def is_numeric(self) -> bool:
        """True for a numerator/denominator indicator."""
        return self.measure is not None

    def applies_to(self, provider_id: UUID) -> bool:
        """True when this provider must meet it."""
        return self.provider_id is None or self.provider_id == provider_id
