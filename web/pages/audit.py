"""The audit trail: filtered, a page at a time by keyset, with a way through to the evidence behind decisions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import Query
from fastapi.responses import Response

from api.http.deps import AuditReadings, ViewsAfter
from api.http.params import MAX_POSITION, AuditFilters, FilterText
from api.http.routing import API
from domain.milestones import Quarter
from projections.audit.queries import AuditPage, audit_trail
from projections.progress.queries import audit_access, programme_heading, provider_names, scheme_headings
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.dates import TypedDate, in_order, start_of, typed_date
from web.pages.users import administrator
from web.pages.reading import QUARTERS

router = page_router()
ASSESSMENTS = ("MilestoneAssessed", "AssessmentRevisedOnAppeal", "AssessmentRestated")
PAGE = 25


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


def _dates(page: Page) -> tuple[TypedDate, TypedDate, list[tuple[str, str]]]:
    """The page's NHS date inputs, to become the trail's since and until (UK days, as the times are shown), and
    what is wrong with them."""
    since = typed_date(page.request.query_params, "since", "From")
    until = in_order(since, typed_date(page.request.query_params, "until", "To"))
    return since, until, [(f"filter-{d.name}-{d.wrong[0]}", d.error) for d in (since, until) if d.error]


def _shown(
    trail: AuditPage,
    chosen: AuditFilters,
    filters: dict[str, str],
    dates: tuple[TypedDate, TypedDate],
    before: int | None,
    wrong: list[tuple[str, str]],
    api: str,
) -> dict[str, Any]:
    """What both trails' pages show of a page of entries: the filters and days kept, the links to older and newest
    entries, and the CSV download of the route at `api` with the same filters."""
    kept: dict[str, Any] = {k: v for k, v in filters.items() if v} | dates[0].typed | dates[1].typed
    export_query = urlencode(chosen.parameters())
    return {
        "filters": filters,
        "dates": dates,
        "entries": [] if wrong else trail.entries,
        "older": f"?{urlencode({**kept, 'before': trail.next_before})}" if trail.next_before and not wrong else None,
        "newest": f"?{urlencode(kept)}" if before else None,
        "export": f"{api}/audit.csv" + (f"?{export_query}" if export_query else ""),
        "filtered": bool(export_query),
    }


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
    since, until, wrong = _dates(page)
    chosen = AuditFilters(
        _uuid(scheme),
        _uuid(provider),
        Quarter(filters["quarter"]) if filters["quarter"] else None,
        filters["user"] or None,
        start_of(since.value),
        start_of(until.value, plus=1),
    )
    trail = audit_trail(trail_view, programme_id=programme_id, **chosen.query(), before_position=before, limit=PAGE)
    context = _shown(trail, chosen, filters, (since, until), before, wrong, f"{API}/programmes/{programme_id}") | {
        "title": f"{heading.health_economy} {heading.contract_year}: audit trail",
        "programme": heading,
        "schemes": scheme_headings(readings, str(programme_id)),
        "providers": list(provider_names(readings, str(programme_id)).items()),
        "quarters": QUARTERS,
        "assessments": ASSESSMENTS,
        "live_topics": [f"audit:{programme_id}"] if before is None else [],
    }
    return page.show("audit.html", context, FormFailure("filter", {}, wrong) if wrong else None)


@router.get("/organisation/audit")
def organisation_audit(
    page: CurrentPage,
    trail_view: AuditReadings,
    _: ViewsAfter,
    user: FilterText | None = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_POSITION)] = None,
) -> Response:
    """What concerns the administrator's organisation outside its programmes, newest first: its accounts, single
    sign-ons, API clients, webhook endpoints, details and sign-in choice."""
    administrator(page.viewer.actor)
    organisation = page.corral.organisation(page.viewer.actor.organisation_id)
    since, until, wrong = _dates(page)
    filters = {"user": (user or "").strip()}
    chosen = AuditFilters(
        user=filters["user"] or None, since=start_of(since.value), until=start_of(until.value, plus=1)
    )
    trail = audit_trail(
        trail_view, organisation_id=organisation.id, **chosen.query(), before_position=before, limit=PAGE
    )
    api = f"{API}/organisations/{organisation.id}"
    context = _shown(trail, chosen, filters, (since, until), before, wrong, api) | {
        "title": f"{organisation.name}: audit trail",
        "organisation": organisation,
        "assessments": (),
    }
    return page.show("organisation_audit.html", context, FormFailure("filter", {}, wrong) if wrong else None)
