"""A programme's audit trail: who did what, when and why, newest first, for the commissioner and the auditor."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query

from api.http.deps import AuditReadings, CurrentActor, ProgressReadings, ViewsAfter
from api.http.params import MAX_POSITION, AuditFilters
from api.http.reads import json_read
from api.http.routing import api_router
from projections.audit.queries import AuditPage, audit_trail
from projections.progress.queries import audit_access

router = api_router("/programmes", tags=["boards"])


@router.get("/{programme_id}/audit", response_model=AuditPage)
def read_audit(
    programme_id: UUID,
    actor: CurrentActor,
    readings: ProgressReadings,
    trail: AuditReadings,
    _: ViewsAfter,
    filters: Annotated[AuditFilters, Depends()],
    before: Annotated[
        int | None, Query(ge=1, le=MAX_POSITION, description="the next_before of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Any:
    """The audit trail, newest first, a page at a time: for the commissioner and the auditor."""
    audit_access(readings, actor, str(programme_id))
    page = audit_trail(
        trail,
        programme_id=programme_id,
        **filters.query(),
        before_position=before,
        limit=limit,
    )
    return json_read({"entries": [asdict(e) for e in page.entries], "next_before": page.next_before})
