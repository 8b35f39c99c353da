"""Events made safe for the views: whatever the log holds from before today's limits, in values every view can store.

Nothing in the log is ever rewritten, so an event recorded before a limit existed must still be applied. Before any
view sees an event it passes through `safe_event`, which returns it unchanged when it is already safe (the usual
case, and a cheap one) and otherwise an equal event but for these values:
- text: NUL and lone surrogates (which neither PostgreSQL nor UTF-8 can hold) become U+FFFD;
- a Decimal: NaN becomes 0; ±Infinity and anything beyond ±10^15 becomes ±10^15; anything nearer zero than
  10^-15 becomes 0; more than 28 significant digits are rounded (half even) to 28;
- an integer beyond a 32-bit column's range becomes its nearest end.
Value objects are rebuilt without running their checks, as the transcoder decodes them; tuples, lists and dicts
are walked.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

E = TypeVar("E")

REPLACEMENT = "\ufffd"
LARGEST = Decimal("1E+15")
SMALLEST = Decimal("1E-15")
SIGNIFICANT_DIGITS = 28
LARGEST_INT = 2**31 - 1
FITTED_HASH_DIGITS = 12
ZERO = Decimal(0)

_UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")
_ROUNDING = Context(prec=SIGNIFICANT_DIGITS, rounding=ROUND_HALF_EVEN, traps=[])
# A zero keeps its exponent while its text stays short; a safe non-zero value's exponent lies in this range anyway.
_ZERO_EXPONENTS = range(-SIGNIFICANT_DIGITS - 15, 16)

Check = Callable[[Any], Any]


def safe_event(event: E) -> E:
    """The event itself when every value in it is safe, else a copy with each unsafe value made safe."""
    made_safe: E = _safe_object(event)
    return made_safe


def safe_value(value: Any) -> Any:
    """The value itself when safe, else an equal-shaped value made safe (see the module's rules)."""
    kind = type(value)
    return (_CHECKS.get(kind) or _learn(kind))(value)


def safe_text(text: str) -> str:
    """The text with NUL and lone surrogates replaced by U+FFFD."""
    if text.isascii():
        return text.replace("\x00", REPLACEMENT) if "\x00" in text else text
    return _UNSAFE_TEXT.sub(REPLACEMENT, text) if _UNSAFE_TEXT.search(text) else text


def fit_text(text: str, length: int) -> str:
    """Safe text of at most `length` characters: a longer text keeps its start, then `…` and the first 12 hex
    digits of its SHA-256, so that different texts stay different and a rebuild stores the same."""
    text = safe_text(text)
    if len(text) <= length:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:FITTED_HASH_DIGITS]
    return f"{text[: length - FITTED_HASH_DIGITS - 1]}…{digest}"


def safe_decimal(number: Decimal) -> Decimal:
    """The number when finite, within 10^-15 to 10^15 in magnitude (or 0) and of at most 28 significant digits;
    else the nearest such number (NaN becomes 0)."""
    if number.is_finite():
        if SMALLEST <= number.copy_abs() <= LARGEST:
            if len(str(number)) <= SIGNIFICANT_DIGITS or len(number.as_tuple().digits) <= SIGNIFICANT_DIGITS:
                return number
            return _ROUNDING.plus(number)
        if number.is_zero():
            return number if number.as_tuple().exponent in _ZERO_EXPONENTS else ZERO
        return LARGEST.copy_sign(number) if number.copy_abs() > LARGEST else ZERO
    if number.is_nan():
        return ZERO
    return LARGEST.copy_sign(number)


def _safe_int(number: int) -> int:
    return number if -LARGEST_INT <= number <= LARGEST_INT else max(-LARGEST_INT, min(number, LARGEST_INT))


def _same(value: Any) -> Any:
    return value


def _any_unsafe(values: Iterable[Any]) -> bool:
    """Whether any of the values is not safe: walked for every event a view applies, so the commonest safe values
    (ASCII text without NUL, ids, times, enums, small integers) are passed over without a call."""
    for value in values:
        kind = type(value)
        if kind is str:
            if value.isascii() and "\x00" not in value:
                continue
        elif kind in _ALWAYS_SAFE:
            continue
        elif kind is int:
            if -LARGEST_INT <= value <= LARGEST_INT:
                continue
        if (_CHECKS.get(kind) or _learn(kind))(value) is not value:
            return True
    return False


def _safe_object(value: Any) -> Any:
    fields = vars(value)
    if not _any_unsafe(fields.values()):
        return value
    made_safe = copy.copy(value)
    for name, field_value in fields.items():
        safe_field = safe_value(field_value)
        if safe_field is not field_value:
            object.__setattr__(made_safe, name, safe_field)
    return made_safe


def _safe_sequence(value: Any) -> Any:
    """A tuple, list or set of the items made safe; the same one when every item is safe already."""
    if not _any_unsafe(value):
        return value
    return type(value)([safe_value(item) for item in value])


def _safe_dict(value: dict[Any, Any]) -> dict[Any, Any]:
    if not _any_unsafe(value) and not _any_unsafe(value.values()):
        return value
    items = {safe_value(key): safe_value(item) for key, item in value.items()}
    if len(items) == len(value) and all(key in value and items[key] is value[key] for key in items):
        return value
    return items


def _learn(kind: type) -> Check:
    """How values of this type are made safe, worked out once per type."""
    check = _CHECKS[kind] = _check_for(kind)
    if check is _same:
        _ALWAYS_SAFE.add(kind)
    return check


def _check_for(kind: type) -> Check:
    if kind is str:
        return safe_text
    if kind is Decimal:
        return safe_decimal
    if kind is int:
        return _safe_int
    if kind in (tuple, list, set, frozenset):
        return _safe_sequence
    if kind is dict:
        return _safe_dict
    if issubclass(kind, Enum) or kind in (bool, type(None), float, UUID, datetime, date, timedelta):
        return _same
    if dataclasses.is_dataclass(kind):
        return _safe_object
    return _same


_CHECKS: dict[type, Check] = {}
_ALWAYS_SAFE: set[type] = {type(None), bool, UUID, datetime, date}
