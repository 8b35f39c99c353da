"""The programmes a user may see, the system-wide progress matrix, and a provider's Q1-Q4 table."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Form
from fastapi.responses import Response

from api.http.deps import ViewsAfter
from api.http.commands import FormAct
from api.http.deps import BY_COMMISSIONER
from api.http.paging import Paged
from domain import ids
from domain.actors import Role
from domain.milestones import Quarter
from projections.progress.queries import (
    agreed_scheme_ids,
    linked_years,
    organisation_names,
    programme_heading,
    programme_key,
    programme_providers,
    programmes_for,
    progress_for,
    provider_table_access,
    quarter_table,
    scheme_exclusions,
    scheme_headings,
)
from web.pages import confirmations
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.listing import page_links
from web.pages.reading import QUARTERS
from web.pages.years import YearAsked, years_for

router = page_router()


@router.get("/programmes")
def programme_list(page: CurrentPage, paging: Paged, year: YearAsked = None) -> Response:
    """Every programme the viewer may see, of every year unless one is asked for, a page at a time."""
    seen = programmes_for(page.readings, page.viewer.actor)
    years = years_for(year, seen, page.readings.reading_clock.today(), default_all=True)
    listed = paging.page(years.of(seen), programme_key)
    names = organisation_names(page.readings)
    context = {"title": "Programmes", "programmes": listed.rows, "names": names, "years": years}
    return page.show("programmes.html", context | page_links(page.request, listed.next_cursor))


@router.get("/programmes/{programme_id}")
def overview(page: CurrentPage, programme_id: UUID, _: ViewsAfter) -> Response:
    """Scheme x provider x quarter: every status, as a tag with its word."""
    return _overview_page(page, programme_id)


def _overview_page(
    page: Page, programme_id: UUID, confirming: bool = False, failure: FormFailure | None = None
) -> Response:
    readings, actor = page.readings, page.viewer.actor
    heading = programme_heading(readings, actor, programme_id)
    progress = progress_for(readings, heading.access)
    cells = {(s, p, q.value): list(statuses) for (s, p, q), statuses in progress.cells.items()}
    participants = {
        s.id: [p for p in progress.providers if any((s.id, p, q) in cells for q in QUARTERS)] for s in progress.schemes
    }
    earlier, following = linked_years(readings, actor, programme_id)
    may_continue = actor.role is Role.COMMISSIONER and heading.access.everything and following is None
    agreed = agreed_scheme_ids(readings)
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
        "earlier": earlier,
        "following": following,
        "drafts": [s for s in scheme_headings(readings, str(programme_id)) if s.id not in agreed]
        if heading.access.everything
        else [],
        "may_continue": may_continue,
        "confirming": confirming and may_continue,
        "version": page.corral.programme(programme_id).version if may_continue else None,
    }
    return page.show("overview.html", context, failure)


@router.post("/programmes/{programme_id}/continuation", dependencies=[BY_COMMISSIONER])
def continue_programme(
    page: CurrentPage, act: FormAct, programme_id: UUID, confirm: Annotated[str, Form()] = ""
) -> Response:
    """Continue the programme into the next contract year, once the commissioner has read what that carries forward
    and confirmed."""
    heading = programme_heading(page.readings, page.viewer.actor, programme_id)
    if confirm != "yes":
        return _overview_page(page, programme_id, confirming=True)
    year = heading.contract_year + 1
    following = ids.programme_id(page.viewer.actor.organisation_id, heading.health_economy, year)
    return page.act(
        act,
        lambda: act.corral.continue_programme(act.actor, programme_id, expected_version=act.expected_version),
        "continue",
        {},
        lambda failure: _overview_page(page, programme_id, failure=failure),
        f"/programmes/{following}",
        confirmed=confirmations.continued(heading.health_economy, heading.contract_year),
    )


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
