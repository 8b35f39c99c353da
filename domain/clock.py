"""Today, as the domain is told it: the date in England, or a fixed date a test or a demo sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


class Clock(Protocol):
    """Where the domain learns what day it is."""

    def today(self) -> date: ...


class UKClock:
    """The calendar date in England now: deadlines fall due at midnight UK time, not UTC."""

    def today(self) -> date:
        return datetime.now(UK).date()


@dataclass(frozen=True)
class FixedClock:
    """Always the same day: a test's, or a demo shown as at a date inside its own year."""

    day: date

    def today(self) -> date:
        return self.day


def clock_for(as_at: date | None) -> Clock:
    """A fixed clock when a date is given, else the real one."""
    return FixedClock(as_at) if as_at is not None else UKClock()
