"""What must be shown each quarter: milestones, their numeric measures and the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from uuid import UUID

from domain.errors import DomainError
from domain.limits import CHANGE, CODE, LONG_TEXT, NAME, PERCENT, PERCENT_CHANGE, PERCENT_POINTS, RATE, RATE_POINTS
from domain.limits import THRESHOLD, TITLE, WEIGHT, InvalidInputError, NumberLimit


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


def contract_year_of(day: date) -> int:
    """The contract year `day` falls in, named by the year of its April: 20 January 2015 is in 2014."""
    return day.year if day.month >= 4 else day.year - 1


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


class MeasureUnit(Enum):
    """What a measure's thresholds (and a rate's baseline) are written in."""

    PERCENT = "percent"  # 75 is 75%; from a baseline, 5 is 5 percentage points, and -20 a 20% reduction
    FRACTION = "fraction"  # 0.75 is 75%
    NUMBER = "number"  # a count, as counted

    @classmethod
    def natural(cls, is_rate: bool, basis: ThresholdBasis) -> MeasureUnit:
        """The unit thresholds were written in before they carried one: a rate, or a change from a baseline, as a
        fraction; a count as a plain number."""
        return cls.FRACTION if is_rate or basis is ThresholdBasis.CHANGE_FROM_BASELINE else cls.NUMBER

    def as_fraction(self, value: Decimal) -> Decimal:
        """A value written in this unit as a fraction (a plain number unchanged)."""
        return value / 100 if self is MeasureUnit.PERCENT else value


# The thresholds' limits by (is a rate, basis, unit); a count's baseline is a plain number in every unit.
_THRESHOLDS: dict[tuple[bool, ThresholdBasis, MeasureUnit], NumberLimit] = {
    (True, ThresholdBasis.ABSOLUTE, MeasureUnit.FRACTION): RATE,
    (True, ThresholdBasis.ABSOLUTE, MeasureUnit.PERCENT): PERCENT,
    (True, ThresholdBasis.POINTS_FROM_BASELINE, MeasureUnit.FRACTION): RATE_POINTS,
    (True, ThresholdBasis.POINTS_FROM_BASELINE, MeasureUnit.PERCENT): PERCENT_POINTS,
    (True, ThresholdBasis.CHANGE_FROM_BASELINE, MeasureUnit.FRACTION): CHANGE,
    (True, ThresholdBasis.CHANGE_FROM_BASELINE, MeasureUnit.PERCENT): PERCENT_CHANGE,
    (False, ThresholdBasis.ABSOLUTE, MeasureUnit.NUMBER): THRESHOLD,
    (False, ThresholdBasis.POINTS_FROM_BASELINE, MeasureUnit.NUMBER): THRESHOLD,
    (False, ThresholdBasis.CHANGE_FROM_BASELINE, MeasureUnit.FRACTION): CHANGE,
    (False, ThresholdBasis.CHANGE_FROM_BASELINE, MeasureUnit.PERCENT): PERCENT_CHANGE,
}
_RATE_BASELINES = {MeasureUnit.FRACTION: RATE, MeasureUnit.PERCENT: PERCENT}


def _unit_refused(is_rate: bool, basis: ThresholdBasis) -> str:
    if is_rate:
        return "a rate is a share of its denominator: give the unit as percent or fraction, not number"
    if basis is ThresholdBasis.CHANGE_FROM_BASELINE:
        return "a change from the baseline is a share of it: give the unit as percent (-20 for a 20% reduction) or fraction"
    return "a count's thresholds are numbers: give the unit as number, or measure a change from the baseline to set a percentage"


@dataclass(frozen=True)
class NumericMeasure:
    """A numeric indicator: numerator over denominator, paid between two thresholds written in their unit."""

    numerator: str
    denominator: str | None
    minimum: Decimal
    maximum: Decimal
    direction: Direction = Direction.HIGHER_IS_BETTER
    basis: ThresholdBasis = ThresholdBasis.ABSOLUTE
    baseline: Decimal | None = None
    unit: MeasureUnit | None = None  # none given: the natural unit, which old measures were written in

    def __post_init__(self) -> None:
        NAME.check(self.numerator, "numerator")
        if self.denominator is not None:
            NAME.check(self.denominator, "denominator")
        if not self.numerator.strip():
            raise InvalidMilestoneError("a numeric measure needs a numerator label")
        if self.denominator is not None and not self.denominator.strip():
            raise InvalidMilestoneError("a rate needs a denominator label; a count has none")
        object.__setattr__(self, "unit", self.in_unit)
        thresholds = _THRESHOLDS.get((self.is_rate, self.basis, self.in_unit))
        if thresholds is None:
            raise InvalidInputError("unit", _unit_refused(self.is_rate, self.basis))
        for name in ("minimum", "maximum"):
            object.__setattr__(self, name, thresholds.check(getattr(self, name), name))
        if self.baseline is not None:
            baselines = _RATE_BASELINES[self.in_unit] if self.is_rate else THRESHOLD
            object.__setattr__(self, "baseline", baselines.check(self.baseline, "baseline"))
        if self.minimum > self.maximum:
            raise InvalidMilestoneError("the minimum threshold is above the maximum")
        if self.baseline is not None and self.basis is ThresholdBasis.CHANGE_FROM_BASELINE:
            if self.baseline == 0:
                raise InvalidMilestoneError("a change from a baseline of zero cannot be measured")

    @property
    def is_rate(self) -> bool:
        """True for numerator over denominator; False for a count."""
        return self.denominator is not None

    @property
    def in_unit(self) -> MeasureUnit:
        """The unit its thresholds are written in: as given, else (as every measure recorded before units were)
        the natural one."""
        return self.unit or MeasureUnit.natural(self.is_rate, self.basis)

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
