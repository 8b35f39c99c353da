"""The audit trail: filtered, a page at a time by keyset, with a way through to the evidence behind decisions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.http.deps import AuditReadings, ViewsAfter
from api.http.params import MAX_POSITION, AuditFilters, FilterText
from domain.milestones import Quarter
from projections.audit.queries import audit_trail
from projections.progress.queries import audit_access, programme_heading, provider_names, scheme_headings
from web.pages.base import CurrentPage, FormFailure, PageRoute
from web.pages.dates import in_order, start_of, typed_date
from web.pages.reading import QUARTERS

router = APIRouter(route_class=PageRoute)
ASSESSMENTS = ("MilestoneAssessed", "AssessmentRevisedOnAppeal", "AssessmentRestated")
PAGE = 25


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


@router.get("/programmes/{programme_id}/audit")
def audit(
    page: CurrentPage,
    programme_id: UUID,
    trail_view: AuditReadings,
    _: ViewsAfter,
    scheme: str | None = None,
    provider: str | None = None,
    quarter: str | None = None,
    user: FilterText | None = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_POSITION)] = None,
) -> Response:
    """Who did what, when and why, newest first: for the commissioner and the auditor."""
    readings = page.readings
    audit_access(readings, page.viewer.actor, str(programme_id))
    heading = programme_heading(readings, page.viewer.actor, programme_id)
    filters = {
        "scheme": scheme or "",
        "provider": provider or "",
        "quarter": quarter if quarter in QUARTERS else "",
        "user": (user or "").strip(),
    }
    # The page's NHS date inputs, translated into the trail's since and until (UK days, as the times are shown).
    since = typed_date(page.request.query_params, "since", "From")
    until = in_order(since, typed_date(page.request.query_params, "until", "To"))
    wrong = [(f"filter-{d.name}-{d.wrong[0]}", d.error) for d in (since, until) if d.error]
    chosen = AuditFilters(
        _uuid(scheme),
        _uuid(provider),
        Quarter(filters["quarter"]) if filters["quarter"] else None,
        filters["user"] or None,
        start_of(since.value),
        start_of(until.value, plus=1),
    )
    trail = audit_trail(trail_view, programme_id=programme_id, **chosen.query(), before_position=before, limit=PAGE)
    kept: dict[str, Any] = {k: v for k, v in filters.items() if v} | since.typed | until.typed
    export_query = urlencode(chosen.parameters())
    context = {
        "title": f"{heading.health_economy} {heading.contract_year}: audit trail",
        "programme": heading,
        "filters": filters,
        "dates": (since, until),
        "schemes": scheme_headings(readings, str(programme_id)),
        "providers": list(provider_names(readings, str(programme_id)).items()),
        "quarters": QUARTERS,
        "entries": [] if wrong else trail.entries,
        "assessments": ASSESSMENTS,
        "older": f"?{urlencode({**kept, 'before': trail.next_before})}" if trail.next_before and not wrong else None,
        "newest": f"?{urlencode(kept)}" if before else None,
        "export": f"/api/v1/programmes/{programme_id}/audit.csv" + (f"?{export_query}" if export_query else ""),
        "filtered": bool(export_query),
        "live_topics": [f"audit:{programme_id}"] if before is None else [],
    }
    return page.show("audit.html", context, FormFailure("filter", {}, wrong) if wrong else None)
