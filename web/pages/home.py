"""A provider's home: its milestones soonest first, its submissions and its income position."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.access import may_read_dashboard
from api.deps import ProgressReadings, ViewsAfter
from domain.actors import Role
from projections.progress.dashboard import provider_dashboard
from web.pages.base import CurrentViewer, PageRoute, render, see_other
from web.pages.reading import QUARTERS

router = APIRouter(route_class=PageRoute)


@router.get("/home")
def home(request: Request, viewer: CurrentViewer, readings: ProgressReadings, _: ViewsAfter) -> Response:
    """What is due, what was sent and what it has earned, in every programme the provider joined."""
    if viewer.actor.role is not Role.PROVIDER:
        return see_other("/programmes")
    provider_id = viewer.actor.organisation_id
    may_read_dashboard(viewer.actor, provider_id)
    context = {
        "title": "Your home",
        "dashboards": provider_dashboard(readings, str(provider_id)),
        "quarters": QUARTERS,
        "live_topics": [f"dashboard:{provider_id}"],
    }
    return render(request, "home.html", context, viewer)
