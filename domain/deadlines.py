"""What a due date means today: not yet due, due soon, due today or overdue; and when a pack falls due."""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum

DUE_SOON_DAYS = 14
# A pack is due this many days after the last milestone of its quarter, unless the terms name its deadline.
PACK_DAYS_AFTER_LAST_DUE = 14
# Reminders go to a provider this many days before its evidence is due, and again once it is overdue.
REMIND_DAYS_BEFORE = 7


class Standing(Enum):
    """Where a deadline stands for something not yet done."""

    LATER = "later"
    DUE_SOON = "due soon"
    DUE_TODAY = "due today"
    OVERDUE = "overdue"


def standing(due: date, today: date) -> Standing:
    """Where a due date stands today, for work still outstanding."""
    if today > due:
        return Standing.OVERDUE
    if today == due:
        return Standing.DUE_TODAY
    if (due - today).days <= DUE_SOON_DAYS:
        return Standing.DUE_SOON
    return Standing.LATER


def due_note(due: date, today: date) -> str:
    """`due in 3 days`, `due tomorrow`, `due today`, `1 day overdue`, `12 days overdue`."""
    days = (due - today).days
    if days > 1:
        return f"due in {days} days"
    if days == 1:
        return "due tomorrow"
    if days == 0:
        return "due today"
    return f"{-days} day{'s' if days < -1 else ''} overdue"


def reminder_due(due: date, today: date) -> bool:
    """Whether a provider still owing evidence is reminded today: in the week before it is due, and in the week after
    it became overdue (a reminder about a deadline long past is noise)."""
    return abs((due - today).days) <= REMIND_DAYS_BEFORE


def is_late(due: date, sent_on: date) -> bool:
    """Evidence sent after its due date is accepted, and recorded as late."""
    return sent_on > due


def default_pack_deadline(last_due: date) -> date:
    """The pack deadline when the terms do not name one: a fortnight after the quarter's last due date."""
    return last_due + timedelta(days=PACK_DAYS_AFTER_LAST_DUE)
