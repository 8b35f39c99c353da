"""The programmes a user may see, the system-wide progress matrix, and a provider's Q1-Q4 table."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from api.http.deps import ViewsAfter
from domain.actors import Role
from domain.milestones import Quarter
from projections.progress.queries import (
    organisation_names,
    programme_heading,
    programme_providers,
    programmes_for,
    progress_for,
    provider_table_access,
    quarter_table,
    scheme_exclusions,
)
from web.pages.base import CurrentPage, PageRoute
from web.pages.reading import QUARTERS

router = APIRouter(route_class=PageRoute)


@router.get("/programmes")
def programme_list(page: CurrentPage) -> Response:
    """Every programme the viewer may see."""
    shown = programmes_for(page.readings, page.viewer.actor)
    names = organisation_names(page.readings)
    return page.show("programmes.html", {"title": "Programmes", "programmes": shown, "names": names})


@router.get("/programmes/{programme_id}")
def overview(page: CurrentPage, programme_id: UUID, _: ViewsAfter) -> Response:
    """Scheme x provider x quarter: every status, as a tag with its word."""
    readings, actor = page.readings, page.viewer.actor
    heading = programme_heading(readings, actor, programme_id)
    progress = progress_for(readings, heading.access)
    cells = {(s, p, q.value): list(statuses) for (s, p, q), statuses in progress.cells.items()}
    participants = {
        s.id: [p for p in progress.providers if any((s.id, p, q) in cells for q in QUARTERS)] for s in progress.schemes
    }
    context = {
        "title": f"{heading.health_economy} {heading.contract_year}: progress",
        "programme": heading,
        "progress": progress,
        "cells": cells,
        "participants": participants,
        "quarters": QUARTERS,
        "names": organisation_names(readings),
        "providers": programme_providers(readings, str(programme_id)),
        "left_out": scheme_exclusions(readings, str(programme_id)),
        "live_topics": [f"progress:{programme_id}"],
        "may_import": heading.access.everything and actor.role is Role.COMMISSIONER,
    }
    return page.show("overview.html", context)


@router.get("/programmes/{programme_id}/providers/{provider_id}/quarters")
def quarters(page: CurrentPage, programme_id: UUID, provider_id: UUID, _: ViewsAfter) -> Response:
    """One provider's indicators with their Q1-Q4 statuses, as a trust reports its year, with downloads."""
    readings, actor = page.readings, page.viewer.actor
    provider_table_access(readings, actor, str(programme_id), str(provider_id))
    heading = programme_heading(readings, actor, programme_id)
    names = organisation_names(readings)
    context = {
        "title": f"{names.get(str(provider_id), 'Provider')}: Q1 to Q4",
        "programme": heading,
        "provider_id": str(provider_id),
        "provider": names.get(str(provider_id), str(provider_id)),
        "rows": quarter_table(readings, str(programme_id), str(provider_id)),
        "quarters": list(Quarter),
    }
    return page.show("quarters.html", context)
