"""Query parameters held to what the stores can hold, so that a value out of range is a 422 that names it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import AfterValidator, StringConstraints

from domain.limits import CONTRACT_YEAR
from domain.milestones import Quarter

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

ContractYear = Annotated[
    int | None,
    Query(
        ge=CONTRACT_YEAR.low,
        le=CONTRACT_YEAR.high,
        description="only this contract year's programmes (2014 is 2014/15); every year's when left out",
    ),
]
"""A contract year to keep to, by the year of its April; none for every year."""

FilterText = Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL_CHARACTERS)]
"""Text to filter by: no control characters (PostgreSQL cannot even compare with a NUL), at most 200 characters."""


@dataclass(frozen=True)
class AuditFilters:
    """The audit trail's filters, as its JSON route, its CSV export and its page take them."""

    scheme_id: UUID | None = None
    provider_id: UUID | None = None
    quarter: Quarter | None = None
    user: Annotated[FilterText | None, Query(description="the acting user's id")] = None
    since: Moment | None = None
    until: Moment | None = None

    def query(self) -> dict[str, Any]:
        """The filters as the trail's queries take them (the acting user is their `actor`)."""
        return {
            "scheme_id": self.scheme_id,
            "provider_id": self.provider_id,
            "quarter": self.quarter,
            "actor": self.user,
            "since": self.since,
            "until": self.until,
        }

    def parameters(self) -> dict[str, str]:
        """The filters given, as the API's query parameters write them."""
        given = {"user" if k == "actor" else k: v for k, v in self.query().items() if v is not None}
        return {
            k: v.isoformat() if isinstance(v, datetime) else v.value if isinstance(v, Quarter) else str(v)
            for k, v in given.items()
        }
