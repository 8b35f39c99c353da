"""What a user decides about their own notifications: which they have read, and how they want email."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from domain.actors import Actor
from domain.errors import NotPermittedError
from domain.limits import InvalidInputError

# A notice is named by the log position of the event that raised it and its place among that event's notices.
NOTICE_ID = re.compile(r"^[1-9][0-9]{0,18}\.[0-9]{1,3}$")
MOST_READ_AT_ONCE = 500
LAST_POSITION = 2**63 - 1


class EmailChoice(Enum):
    """How a user hears of their notices by email."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"


def notice_ids(ids: Sequence[str]) -> tuple[str, ...]:
    """The notices named, each once; InvalidInputError naming `ids` for one that is no notice's id, or too many."""
    if len(ids) > MOST_READ_AT_ONCE:
        raise InvalidInputError("ids", f"name at most {MOST_READ_AT_ONCE} notices at once, not {len(ids)}")
    for number, value in enumerate(ids):
        if not isinstance(value, str) or not NOTICE_ID.match(value) or int(value.partition(".")[0]) > LAST_POSITION:
            raise InvalidInputError(f"ids.{number}", "is not a notice's id, such as 1234.0")
    return tuple(dict.fromkeys(ids))


def read_up_to(position: int | None) -> int:
    """A log position up to which every notice is read (0 for none); InvalidInputError naming `up_to` if out of range."""
    if position is None:
        return 0
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= LAST_POSITION:
        raise InvalidInputError("up_to", f"must be a log position from 0 to {LAST_POSITION}")
    return position


def email_choice(value: str) -> EmailChoice:
    """The choice named; InvalidInputError naming `choice` for any other word."""
    try:
        return EmailChoice(value)
    except ValueError:
        words = ", ".join(choice.value for choice in EmailChoice)
        raise InvalidInputError("choice", f"must be one of {words}") from None


def notices_read(ids: Sequence[str], up_to: int | None) -> tuple[tuple[str, ...], int]:
    """The notices named and the position read up to; InvalidInputError naming `ids` if neither says anything."""
    named, position = notice_ids(ids), read_up_to(up_to)
    if not named and not position:
        raise InvalidInputError("ids", "name the notices read, or mark every one up to a position read")
    return named, position


def require_own(actor: Actor, username: str) -> None:
    """Only the user decides about their own notifications."""
    if actor.user_id != username:
        raise NotPermittedError(f"only {username} decides about their own notifications")
