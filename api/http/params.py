"""Query parameters held to what the stores can hold, so that a value out of range is a 422 that names it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

MAX_POSITION = 2**63 - 1  # positions in the log are BIGINTs, from 1
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


def in_utc(moment: datetime) -> datetime:
    """The moment in UTC, a naive one being UTC already; ValueError when UTC cannot hold it (years 1 to 9999)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the moment falls outside the years 1 to 9999 in UTC") from None


Moment = Annotated[datetime, AfterValidator(in_utc)]
"""A moment that converts to UTC; ISO 8601, naive taken as UTC."""

FilterText = Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL_CHARACTERS)]
"""Text to filter by: no control characters (PostgreSQL cannot even compare with a NUL), at most 200 characters."""
