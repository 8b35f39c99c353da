"""How the pages write money, percentages, days and moments: one filter each, used by every template."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

from domain.limits import WIDE
from domain.payments import pounds

UK = ZoneInfo("Europe/London")


def money(value: Decimal | None) -> str:
    """Pounds with thousands separated, pence only when there are some: `£546,875`, `£1,234.50`; nothing for None."""
    if value is None:
        return ""
    exact = pounds(value)
    sign = "-" if exact < 0 else ""
    whole = exact == exact.to_integral_value()
    return f"{sign}£{exact.copy_abs():,.0f}" if whole else f"{sign}£{exact.copy_abs():,.2f}"


def percent(value: Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage to `places`; a dash for None, and a huge one in scientific notation."""
    if value is None:
        return "–"
    with localcontext(WIDE):
        scaled = value * 100
    # Figures recorded before the limits on input may be beyond any sensible rate: never write out a huge number.
    return f"{scaled:.{places}f}%" if not scaled.is_finite() or scaled.adjusted() < 15 else f"{scaled:.3E}%"


def uk_time(moment: datetime) -> datetime:
    """The moment on a clock in the UK (GMT or BST); a naive moment is taken as UTC, as the stores keep it."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).astimezone(UK)


def day(value: date | datetime | None) -> str:
    """A day as `30 Oct 2014`; a moment's day as it fell in the UK."""
    if value is None:
        return ""
    shown = uk_time(value) if isinstance(value, datetime) else value
    return f"{shown.day} {shown:%b %Y}"


def moment(value: datetime | None) -> str:
    """A moment as UK clocks showed it: `14 Jul 2014, 10:05`."""
    if value is None:
        return ""
    shown = uk_time(value)
    return f"{shown.day} {shown:%b %Y, %H:%M}"


def milestone_name(quarter: str, code: str, title: str = "") -> str:
    """A milestone as a heading says it, naming its quarter once: `Q3 M1: Title`, but `Q3: Title` for the code
    `Q3`, and the title alone when the code is the quarter and the title names it too."""
    if code == quarter and _names(title, quarter):
        return title
    named = code if _names(code, quarter) or _names(title, quarter) else f"{quarter} {code}"
    return f"{named}: {title}" if title else named


def _names(text: str, quarter: str) -> bool:
    return re.search(rf"\b{re.escape(quarter)}\b", text) is not None
