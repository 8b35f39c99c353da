"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from fastapi import Request, Response, status
from pydantic import BaseModel, Field

from api.http.routing import root_router
from api.storage.faults import StoreUnavailableError
from projections import maintenance

router = root_router(tags=["health"])
log = logging.getLogger("corral.health")

OK = "ok"


class Health(BaseModel):
    status: str


class StuckView(BaseModel):
    """A view that cannot apply the event at `position`: it stays before it until the cause is fixed."""

    position: int
    event_type: str
    since: datetime | None


class ViewLag(BaseModel):
    """How far a view is behind the log. It is the same for every server, so it never makes one unready."""

    events: int = Field(description="events in the log the view has not applied yet")
    seconds: float | None = Field(
        description="how long the oldest of them has waited (0 when caught up; null if it cannot be decoded)"
    )
    stuck: StuckView | None = Field(default=None, description="the event the view cannot apply, while it cannot")


class Readiness(BaseModel):
    """Whether this server can serve: 200 when its database answers and its attachments folder can be written,
    503 naming what cannot be used. The views' lag is reported, but a lagging or stuck view does not make a server
    unready: every server would leave the load balancer together, although commands still work."""

    status: Literal["ready", "building", "unavailable"]
    database: str = Field(description='"ok", or why the event store or the views\' database does not answer')
    attachments: str = Field(description='"ok", or why no file can be written in the attachments folder')
    views: dict[str, ViewLag] = Field(description="each view's lag; empty if it could not be read")
    building: list[str] = Field(
        default=[], description="views of this release still being built after an upgrade: not ready until they are"
    )


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(request: Request, response: Response) -> Readiness:
    """This server can serve: its database answers, its attachments folder can be written, and none of its views is
    still being built (a new version, after an upgrade, built beside the old one by a projector on standby). Each
    view's lag is reported in events and seconds; a stuck view is named with the position and type of its event,
    never the error, which may quote what an organisation wrote."""
    state: Any = request.app.state
    database = _answer(
        ("the event store", state.corral.recorder.ping), ("the views' database", state.view_database.ping)
    )
    attachments = _answer(("the attachments folder", state.attachments.check))
    rows = _statuses(state) if database == OK else []
    building = maintenance.building(rows)
    ready = database == OK and attachments == OK and not building
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    word: Literal["ready", "building", "unavailable"] = "ready" if ready else "building" if building else "unavailable"
    views = {row.name: _lag(row) for row in rows}
    return Readiness(status=word, database=database, attachments=attachments, views=views, building=building)


def _answer(*checks: tuple[str, Callable[[], None]]) -> str:
    """ "ok" if every check passes, else what failed and the kind of error (the whole error is logged, not shown to
    anyone who asks: it may name hosts and folders)."""
    for what, check in checks:
        try:
            check()
        except Exception as error:  # noqa: BLE001 - whatever stops a check is the reason this server is not ready
            log.warning("not ready: %s cannot be used: %s: %s", what, type(error).__name__, error)
            reason = error.reason if isinstance(error, StoreUnavailableError) else type(error).__name__
            return f"{what} cannot be used ({reason})"
    return OK


def _statuses(state: Any) -> list[maintenance.ViewStatus]:
    try:
        return maintenance.status(state.corral, state.views)
    except Exception as error:  # noqa: BLE001 - the lag is a report: not reading it leaves this server ready
        log.warning("the views' lag cannot be read: %s: %s", type(error).__name__, error)
        return []


def _lag(row: maintenance.ViewStatus) -> ViewLag:
    fault = row.fault
    stuck = (
        None
        if fault is None
        else StuckView(position=fault.position, event_type=fault.event_type, since=fault.first_seen)
    )
    return ViewLag(events=row.lag, seconds=row.lag_seconds, stuck=stuck)
