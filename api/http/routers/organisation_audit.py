"""An organisation's own audit trail, for its administrator: what concerns it and belongs to no programme - its
accounts, the sign-ins and refusals of identities linked to them, its API clients and webhook endpoints, its details
and its sign-in choice. API clients never read it: none acts as an administrator."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query
from fastapi.responses import Response

from api.http.deps import AuditReadings, CurrentActor, ViewsAfter
from api.http.exports import Format, downloads, file_name
from api.http.params import MAX_POSITION, FilterText, Moment
from api.http.reads import json_read
from api.http.routers.exports import audit_table
from api.http.routing import api_router
from domain.actors import Role
from domain.errors import NotFoundError
from projections.audit.queries import AuditPage, audit_trail, whole_trail

router = api_router("/organisations/{organisation_id}", tags=["administration"])


def own_organisation(organisation_id: UUID, actor: CurrentActor) -> UUID:
    """The organisation, for its own administrator; to anyone else its trail reads like a made-up one's (404)."""
    if actor.role is not Role.ADMINISTRATOR or actor.organisation_id != organisation_id:
        raise NotFoundError("no audit trail of that organisation is yours to read")
    return organisation_id


@dataclass(frozen=True)
class OwnTrailFilters:
    """The organisation's trail's filters, as its JSON route and its CSV take them."""

    user: Annotated[FilterText | None, Query(description="the acting user's id")] = None
    since: Moment | None = None
    until: Moment | None = None

    def query(self) -> dict[str, Any]:
        return {"actor": self.user, "since": self.since, "until": self.until}


Own = Annotated[UUID, Depends(own_organisation)]
Filters = Annotated[OwnTrailFilters, Depends()]


@router.get("/audit", response_model=AuditPage)
def read_organisation_audit(
    organisation: Own,
    trail: AuditReadings,
    _: ViewsAfter,
    filters: Filters,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_POSITION, description="the next_before of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Any:
    """The organisation's own trail, newest first, a page at a time: its accounts, their single sign-ons, its API
    clients, webhook endpoints, details and sign-in choice; for its administrator."""
    query = filters.query()
    page = audit_trail(trail, organisation_id=organisation, **query, before_position=before, limit=limit)
    return json_read({"entries": [asdict(e) for e in page.entries], "next_before": page.next_before})


@router.get("/audit.csv", response_class=Response, responses=downloads(Format.CSV))
def export_organisation_audit(organisation: Own, trail: AuditReadings, _: ViewsAfter, filters: Filters) -> Response:
    """The organisation's own trail, oldest first, with the same filters as its JSON trail: for its administrator."""
    entries = whole_trail(trail, organisation_id=organisation, **filters.query())
    return audit_table(entries, file_name("organisation", "audit"), "Organisation audit")
