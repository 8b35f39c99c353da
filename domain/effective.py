"""Every fact carries two times: the day it is effective (what it is about) and when Corral recorded it (the event's
timestamp). A quarter's fact is effective on a day inside that quarter."""

from __future__ import annotations

from datetime import date

from domain.limits import InvalidInputError
from domain.milestones import Quarter


class EffectiveDateOutsideQuarterError(InvalidInputError):
    """A quarter's evidence or restatement is effective on a day inside that quarter."""


def effective_day(quarter: Quarter, contract_year: int, given: date | None, what: str, at_end: bool = False) -> date:
    """The day a fact of the quarter is effective: as given, which must fall inside the quarter; else its first day
    (its last, `at_end`)."""
    first, last = quarter.first_day(contract_year), quarter.last_day(contract_year)
    if given is None:
        return last if at_end else first
    if not first <= given <= last:
        raise EffectiveDateOutsideQuarterError(
            "effective_on",
            f"{what} is effective inside {quarter.value}: between {first.day} {first:%B %Y} and {last.day} {last:%B %Y}",
        )
    return given
