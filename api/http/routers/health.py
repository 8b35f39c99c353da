"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel

from projections import maintenance

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class StuckView(BaseModel):
    """A view that cannot apply the event at `position`: it stays before it until the cause is fixed."""

    position: int
    event_type: str
    since: datetime | None


class Readiness(BaseModel):
    status: str
    database: str
    lag: dict[str, int]
    stuck: dict[str, StuckView] = {}


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(request: Request, response: Response) -> Readiness:
    """The database answers, no view is stuck on an event it cannot apply, and every view is within the allowed
    lag of the log. A stuck view is named with the position and type of its event, never the error, which may
    quote what an organisation wrote."""
    state: Any = request.app.state
    try:
        state.view_database.ping()
        views = maintenance.status(state.corral, state.views)
    except Exception as error:  # noqa: BLE001 - any failure to reach the database means not ready
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Readiness(status="unavailable", database=type(error).__name__, lag={})
    lag = {row.name: row.lag for row in views}
    stuck = {
        row.name: StuckView(position=row.fault.position, event_type=row.fault.event_type, since=row.fault.first_seen)
        for row in views
        if row.fault is not None
    }
    caught_up = all(behind <= state.settings.ready_max_lag for behind in lag.values())
    if stuck or not caught_up:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    word = "stuck" if stuck else "ready" if caught_up else "catching up"
    return Readiness(status=word, database="ok", lag=lag, stuck=stuck)
