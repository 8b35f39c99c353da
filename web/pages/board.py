"""The lead's collation board: who has sent what, who is missing; nudge them; present the pack."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.access import board_access
from api.deps import CorralApp, ProgressReadings, ViewsAfter
from domain import ids
from domain.milestones import Quarter
from projections.progress.collation import collation_board
from web.pages.base import CurrentViewer, FormFailure, PageRoute, Viewer, after, attempt, refused, render, see_other
from web.pages.reading import QUARTERS, programme_heading, scheme_row

router = APIRouter(route_class=PageRoute)
Text = Annotated[str, Form()]


def _board_page(
    request: Request,
    readings: ProgressReadings,
    viewer: Viewer,
    scheme_id: UUID,
    quarter: Quarter,
    failure: FormFailure | None = None,
) -> Response:
    access = board_access(readings, viewer.actor, str(scheme_id))
    programme_id, title, _ = scheme_row(readings, scheme_id)
    board = collation_board(readings, str(scheme_id), quarter)
    context = {
        "title": f"{title}: {quarter.value} collation board",
        "programme": programme_heading(readings, viewer.actor, programme_id),
        "scheme_id": str(scheme_id),
        "scheme_title": title,
        "quarter": quarter.value,
        "quarters": QUARTERS,
        "board": board,
        "is_lead": str(scheme_id) in access.leads,
        "submission_ids": {
            (p.provider_id, m.code): ids.submission_id(scheme_id, m.code, UUID(p.provider_id))
            for p in board.participants
            for m in p.milestones
        },
        "failure": failure,
        "live_topics": [f"board:{scheme_id}:{quarter.value}"],
    }
    return render(request, "board.html", context, viewer, 200 if failure is None else 422)


@router.get("/schemes/{scheme_id}/quarters/{quarter}/board")
def board(
    request: Request,
    scheme_id: UUID,
    quarter: Quarter,
    viewer: CurrentViewer,
    readings: ProgressReadings,
    _: ViewsAfter,
) -> Response:
    """Each participant's evidence for the quarter, the nudges sent, and whether the pack is ready."""
    return _board_page(request, readings, viewer, scheme_id, quarter)


@router.post("/schemes/{scheme_id}/quarters/{quarter}/nudges")
def nudge(
    request: Request,
    scheme_id: UUID,
    quarter: Quarter,
    viewer: CurrentViewer,
    corral: CorralApp,
    readings: ProgressReadings,
    provider_id: Annotated[UUID, Form()],
    message: Text = "",
) -> Response:
    """Remind a participant that its evidence is due."""
    board_access(readings, viewer.actor, str(scheme_id))
    recorded, error = attempt(lambda: corral.nudge_provider(viewer.actor, scheme_id, quarter, provider_id, message))
    if error is not None:
        failure = refused(f"nudge-{provider_id}", {"message": message}, error)
        return _board_page(request, readings, viewer, scheme_id, quarter, failure)
    return see_other(after(f"/schemes/{scheme_id}/quarters/{quarter.value}/board", recorded.position))


@router.post("/schemes/{scheme_id}/quarters/{quarter}/pack")
def present(
    request: Request,
    scheme_id: UUID,
    quarter: Quarter,
    viewer: CurrentViewer,
    corral: CorralApp,
    readings: ProgressReadings,
) -> Response:
    """Present every accepted submission to the commissioner, pinned by revision."""
    board_access(readings, viewer.actor, str(scheme_id))
    recorded, error = attempt(lambda: corral.present_pack(viewer.actor, scheme_id, quarter))
    if error is not None:
        return _board_page(request, readings, viewer, scheme_id, quarter, refused("present", {}, error))
    return see_other(after(f"/schemes/{scheme_id}/quarters/{quarter.value}/board", recorded.position))
