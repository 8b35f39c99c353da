"""A date typed as the NHS date input asks for it: day, month and year in fields of their own, checked as typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from web.pages.base import FormFailure
from web.pages.formats import UK

PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class TypedDate:
    """What was typed in a date's three fields (`<name>-day`, `-month`, `-year`): the day it makes, or what is wrong
    with it and which fields are at fault."""

    name: str
    label: str
    day: str = ""
    month: str = ""
    year: str = ""
    value: date | None = None
    error: str | None = None
    wrong: tuple[str, ...] = ()

    @property
    def typed(self) -> dict[str, str]:
        """The fields as they go back into an address, when anything was typed."""
        parts = {f"{self.name}-{part}": getattr(self, part) for part in PARTS}
        return parts if any(parts.values()) else {}

    def refused(self, error: str, wrong: tuple[str, ...] = PARTS) -> TypedDate:
        """The same typing, with what is wrong with it."""
        return TypedDate(self.name, self.label, self.day, self.month, self.year, None, error, wrong)


def typed_date(fields: Mapping[str, str], name: str, label: str) -> TypedDate:
    """The date typed in `fields`; nothing typed is no date and no error."""
    typed = {part: fields.get(f"{name}-{part}", "").strip()[:20] for part in PARTS}
    shown = TypedDate(name, label, typed["day"], typed["month"], typed["year"])
    missing = tuple(part for part in PARTS if not typed[part])
    if len(missing) == len(PARTS):
        return shown
    if missing:
        return shown.refused(f"The {label.lower()} date must include a {' and a '.join(missing)}", missing)
    not_numbers = tuple(part for part in PARTS if not typed[part].isdecimal())
    if not_numbers:
        return shown.refused(f"The {label.lower()} date must be a real date, in numbers", not_numbers)
    if len(typed["year"]) != 4:
        return shown.refused(f"The {label.lower()} date's year must have 4 numbers, like 2014", ("year",))
    try:
        value = date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
    except ValueError:
        return shown.refused(f"The {label.lower()} date must be a real date")
    return TypedDate(name, label, shown.day, shown.month, shown.year, value)


def typed_again(
    failure: FormFailure | None, form: str, name: str, label: str, recorded: date | None = None
) -> TypedDate:
    """The date as typed in a form the server refused, with the error placed at it; else the date recorded, if any."""
    if failure is None or failure.form != form:
        if recorded is None:
            return TypedDate(name, label)
        return TypedDate(name, label, str(recorded.day), str(recorded.month), str(recorded.year), recorded)
    typed = typed_date(failure.values, name, label)
    error = next((text for at, text in failure.errors if at == f"{form}-{name}"), None)
    return typed.refused(error) if error is not None and typed.error is None else typed


def in_order(since: TypedDate, until: TypedDate) -> TypedDate:
    """`until`, refused when it comes before `since`."""
    if since.value is not None and until.value is not None and until.value < since.value:
        return until.refused(
            f"The {until.label.lower()} date must be the same as or after the {since.label.lower()} date"
        )
    return until


def start_of(day: date | None, plus: int = 0) -> datetime | None:
    """The moment `day` (or `plus` days after it) began on UK clocks, in UTC; None for no day, or a day past the last
    one a moment can hold (so until the end of 31 December 9999 is no bound at all)."""
    if day is None:
        return None
    try:
        return datetime.combine(day + timedelta(days=plus), time(), UK).astimezone(UTC)
    except OverflowError:
        return None
