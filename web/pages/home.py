"""A provider's home: its milestones soonest first, its submissions and its income position."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.http.deps import ViewsAfter
from domain.actors import Role
from projections.progress.queries import agreed_scheme_ids, may_read_dashboard, open_nudges, provider_dashboard
from web.pages.base import CurrentPage, PageRoute, see_other
from web.pages.reading import QUARTERS

router = APIRouter(route_class=PageRoute)


@router.get("/home")
def home(page: CurrentPage, _: ViewsAfter) -> Response:
    """What is due, what was sent and what it has earned, in every programme the provider joined."""
    if page.viewer.actor.role is not Role.PROVIDER:
        return see_other("/programmes")
    provider_id = page.viewer.actor.organisation_id
    may_read_dashboard(page.viewer.actor, provider_id)
    context = {
        "title": "Your home",
        "dashboards": provider_dashboard(page.readings, str(provider_id)),
        "agreed": agreed_scheme_ids(page.readings),
        "nudges": open_nudges(page.readings, str(provider_id)),
        "quarters": QUARTERS,
        "live_topics": [f"dashboard:{provider_id}"],
    }
    return page.show("home.html", context)
