"""DOMAIN.md's limits on input, defined once: what text and numbers may be recorded, and the field that broke one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal

from domain.errors import DomainError, ReasonRequiredError


class InvalidInputError(DomainError):
    """A value is outside the limits on input; `field` names it as a dotted path, such as `milestones.2.title`."""

    field: str

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@contextmanager
def within(prefix: str) -> Iterator[None]:
    """Name any field refused inside the block as part of `prefix`, e.g. `title` inside `milestones.2`."""
    try:
        yield
    except InvalidInputError as error:
        raise InvalidInputError(f"{prefix}.{error.field}", error.message) from None


# Category Cc (C0, DEL and C1) but tab and newline, and Cs: lone surrogates cannot be encoded as UTF-8.
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# One line also refuses tab, newline and the Unicode line and paragraph separators.
_REFUSED_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


@dataclass(frozen=True)
class TextLimit:
    """A kind of text: its length cap in characters, and whether it is one line."""

    cap: int
    one_line: bool = False
    also_refuses: str = ""  # characters this kind may not hold besides control characters

    def check(self, value: str, field: str) -> str:
        """The text with CRLF and lone CR made LF; InvalidInputError if it holds a character it may not, or is long."""
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        refused = (_REFUSED_ON_ONE_LINE if self.one_line else _REFUSED).search(text)
        if refused is not None:
            raise InvalidInputError(field, _refusal(refused.group()))
        misplaced = [c for c in self.also_refuses if c in text]
        if misplaced:
            raise InvalidInputError(field, f"may not contain {' or '.join(repr(c) for c in misplaced)}")
        if len(text) > self.cap:
            raise InvalidInputError(
                field, f"must be at most {_plain(self.cap)} characters long, not {_plain(len(text))}"
            )
        return text


def _plain(number: int | Decimal) -> str:
    """A bound as people write it: 1,000,000 but 2100."""
    return f"{number:,}" if not -10_000 < number < 10_000 else str(number)


def _refusal(character: str) -> str:
    code = f"U+{ord(character):04X}"
    if character in "\t\n\u2028\u2029":
        return "must be one line, with no line breaks or tabs"
    if "\ud800" <= character <= "\udfff":
        return f"contains {code}, half of a surrogate pair, which is not a character"
    return f"contains the control character {code}; text may hold no control characters but tab and newline"


# Codes name pages and API paths (`/schemes/{id}/milestones/{code}/…`), so they hold nothing a path would misread.
PATH_CHARACTERS = "/\\?#%"
ORGANISATION_CODE = TextLimit(32, one_line=True, also_refuses=PATH_CHARACTERS)
CODE = TextLimit(64, one_line=True, also_refuses=PATH_CHARACTERS)  # scheme and milestone codes
NAME = TextLimit(200, one_line=True)  # organisations, health economies, measures' numerator and denominator labels
TITLE = TextLimit(300, one_line=True)  # schemes and milestones
SHORT_TEXT = TextLimit(4_000)  # reasons, comments, a nudge's message, a rationale
LONG_TEXT = TextLimit(20_000)  # narratives, descriptions, a query's questions
FILE_NAME = TextLimit(255, one_line=True)
MEDIA_TYPE = TextLimit(100, one_line=True)
USER_ID = TextLimit(200, one_line=True)  # who acted, as every event records it
EMAIL = TextLimit(254, one_line=True)  # RFC 5321's longest forward path


def person_name(value: str, field: str = "display_name") -> str:
    """A person's name as others see it, stripped; blank means none (the username stands in)."""
    return NAME.check(value, field).strip()


def email_address(value: str, field: str = "email") -> str:
    """A plausible email address, lower-cased: one `@` with text either side and no spaces; blank means none."""
    address = EMAIL.check(value.strip(), field).lower()
    if not address:
        return ""
    local, at, host = address.partition("@")
    if not at or not local or "@" in host or "." not in host.strip(".") or any(c.isspace() for c in address):
        raise InvalidInputError(field, "must be an email address, such as name@example.nhs.uk")
    return address


def require_reason(reason: str, what: str, field: str = "reason", limit: TextLimit = SHORT_TEXT) -> str:
    """The reason within its limit and stripped; ReasonRequiredError if it is blank."""
    reason = limit.check(reason, field).strip()
    if not reason:
        raise ReasonRequiredError(f"{what} needs a reason")
    return reason


@dataclass(frozen=True)
class NumberLimit:
    """A kind of decimal: finite, between `low` and `high` (above `low` when `above_low`), at most `places` places.

    A kind with a `kind` name says what it is when a value is out of bounds, and the `hint` how to put it right,
    with `{hundredth}` standing for the value divided by 100 (a percentage typed where a fraction belongs)."""

    low: Decimal
    high: Decimal
    places: int
    above_low: bool = False
    hint: str = ""
    kind: str = ""

    def check(self, value: Decimal, field: str) -> Decimal:
        """The value in a short exact form; InvalidInputError if it is not finite, out of bounds or too precise."""
        if not value.is_finite():
            raise InvalidInputError(field, "must be a number, not NaN or infinity")
        if value < self.low or value > self.high or (self.above_low and value == self.low):
            if self.kind:
                raise InvalidInputError(field, self._out_of_bounds(value))
            lowest = "above" if self.above_low else "at least"
            hint = f" ({self.hint})" if self.hint else ""
            raise InvalidInputError(field, f"must be {lowest} {_plain(self.low)} and at most {_plain(self.high)}{hint}")
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # a finite value's exponent is a number
        if not any(digits):
            return Decimal(0)
        trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
        places = max(0, -(exponent + trailing_zeros))
        if places > self.places:
            raise InvalidInputError(field, f"may have at most {self.places} decimal places, not {places}")
        # Written short and exact: trailing zeros past the places allowed dropped, and 1E+3 written out as 1000.
        return value.quantize(Decimal((0, (1,), min(0, max(exponent, -self.places)))))

    def _out_of_bounds(self, value: Decimal) -> str:
        said = f"must be {self.kind} from {_plain(self.low)} to {_plain(self.high)}, not {_written(value)}"
        return f"{said}: {self.hint.format(hundredth=_written(value.scaleb(-2, WIDE)))}" if self.hint else said


def _written(value: Decimal) -> str:
    """A number as it was typed, short; in scientific notation when it is too long to read."""
    plain = value.normalize(WIDE)
    return f"{plain:f}" if -20 < plain.adjusted() < 20 else str(plain)


CONTRACT_VALUE = NumberLimit(Decimal(0), Decimal(10**12), places=2, above_low=True)  # pounds
CQUIN_RATE = NumberLimit(Decimal(0), Decimal(1), places=6, above_low=True)
FRACTION = NumberLimit(Decimal(0), Decimal(1), places=6)  # the partial-achievement fraction
WEIGHT = NumberLimit(Decimal(0), Decimal(10**6), places=6, above_low=True)
THRESHOLD = NumberLimit(Decimal(-(10**9)), Decimal(10**9), places=6)  # a count's thresholds and baseline
# A rate's thresholds and baseline, and a change from a baseline, written as fractions or as percentages.
_AS_PERCENT = "to enter a percentage, give the unit as percent, or enter {hundredth}"
RATE = NumberLimit(Decimal(0), Decimal(1), places=6, kind="a fraction", hint=_AS_PERCENT)
RATE_POINTS = NumberLimit(
    Decimal(-1),
    Decimal(1),
    places=6,
    kind="a fraction",
    hint="to enter percentage points, give the unit as percent, or enter {hundredth}",
)
CHANGE = NumberLimit(Decimal(-1), Decimal(1), places=6, kind="a fraction of the baseline", hint=_AS_PERCENT)
PERCENT = NumberLimit(Decimal(0), Decimal(100), places=6, kind="a percentage")
PERCENT_POINTS = NumberLimit(Decimal(-100), Decimal(100), places=6, kind="percentage points")
PERCENT_CHANGE = NumberLimit(Decimal(-100), Decimal(100), places=6, kind="a percentage of the baseline")
FIGURE = NumberLimit(Decimal(0), Decimal(10**12), places=6)  # a numerator or a denominator
APPROVAL_THRESHOLD = NumberLimit(Decimal(0), Decimal(10**12), places=2)  # pounds a statement may settle unapproved


# Arithmetic on figures as recorded, which may predate these limits: no exponent overflows, and nothing traps.
WIDE = Context(prec=28, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])


@dataclass(frozen=True)
class WholeNumberLimit:
    """A kind of whole number typed in: between `low` and `high`."""

    low: int
    high: int

    def check(self, value: int, field: str) -> int:
        """The value; InvalidInputError if it is out of bounds."""
        if not self.low <= value <= self.high:
            raise InvalidInputError(field, f"must be a whole number from {_plain(self.low)} to {_plain(self.high)}")
        return value


CONTRACT_YEAR = WholeNumberLimit(2000, 2100)  # the April in which the contract year starts
SCHEMES_PER_LEAD = WholeNumberLimit(1, 100)
STATEMENT_MONTH = WholeNumberLimit(1, 13)  # a month of the contract year: April is 1, March 12, the year end 13
ATTACHMENT_SIZE = WholeNumberLimit(0, 10**12)  # bytes
# Each enabled endpoint is posted every event of its kinds: this bounds the traffic one organisation sends out.
ENABLED_WEBHOOKS_PER_ORGANISATION = 20
