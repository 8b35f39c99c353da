"""Home: what is waiting for the viewer's organisation; a provider's milestones soonest first, its submissions and its
income position."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from api.http.deps import ViewsAfter
from api.http.paging import Paged
from domain.actors import Role
from projections.progress.queries import (
    agreed_scheme_ids,
    joined_programmes,
    may_read_dashboard,
    open_nudges,
    organisation_names,
    programme_key,
    programmes_for,
    provider_dashboard,
    work_queue,
)
from web.pages.base import CurrentPage, page_router, see_other
from web.pages.listing import page_links
from web.pages.reading import QUARTERS
from web.pages.years import YearAsked, years_for

router = page_router()
MAX_TOPICS = 20  # a page follows at most this many live topics (CORRAL_LIVE_MAX_TOPICS' default)


@router.get("/home")
def home(page: CurrentPage, _: ViewsAfter, paging: Paged, year: YearAsked = None) -> Response:
    """What is waiting for the viewer's organisation, and its programmes of the current contract year (another year,
    or every year, when asked); for a provider, also what is due, what was sent and what it has earned in them."""
    actor = page.viewer.actor
    today = page.readings.reading_clock.today()
    if actor.role is Role.COMMISSIONER:
        seen = programmes_for(page.readings, actor)
        years = years_for(year, seen, today)
        listed = paging.page(years.of(seen), programme_key)
        context: dict[str, Any] = {
            "title": "Your home",
            "queue": work_queue(page.readings, actor),
            "years": years,
            "programmes": listed.rows,
            **page_links(page.request, listed.next_cursor),
            "live_topics": [f"progress:{p.id}" for p in seen[:MAX_TOPICS]],
        }
        return page.show("commissioner_home.html", context)
    if actor.role is Role.ADMINISTRATOR:
        return see_other("/users")
    if actor.role is not Role.PROVIDER:
        return see_other("/programmes")
    provider_id = actor.organisation_id
    may_read_dashboard(actor, provider_id)
    joined = joined_programmes(page.readings, str(provider_id))
    years = years_for(year, joined, today)
    listed = paging.page(years.of(joined), programme_key)
    dashboards = provider_dashboard(page.readings, str(provider_id), programmes=listed.rows)
    agreed = agreed_scheme_ids(page.readings)
    led = [scheme_id for d in dashboards for scheme_id, _, leads in d.schemes if leads and scheme_id in agreed]
    boards = [f"board:{scheme_id}:{q}" for scheme_id in led for q in QUARTERS]
    context = {
        "title": "Your home",
        "queue": work_queue(page.readings, actor),
        "dashboards": dashboards,
        "agreed": agreed,
        "names": organisation_names(page.readings),
        "nudges": open_nudges(page.readings, str(provider_id)),
        "quarters": QUARTERS,
        "years": years,
        **page_links(page.request, listed.next_cursor),
        "live_topics": [f"dashboard:{provider_id}", *boards][:MAX_TOPICS],
    }
    return page.show("home.html", context)
