"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import text

from projections import maintenance

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    lag: dict[str, int]


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(request: Request, response: Response) -> Readiness:
    """The database answers and every view is within the allowed lag of the log."""
    state: Any = request.app.state
    try:
        with state.view_database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        lag = {row.name: row.lag for row in maintenance.status(state.corral, state.views)}
    except Exception as error:  # noqa: BLE001 - any failure to reach the database means not ready
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Readiness(status="unavailable", database=type(error).__name__, lag={})
    ready = all(behind <= state.settings.ready_max_lag for behind in lag.values())
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Readiness(status="ready" if ready else "catching up", database="ok", lag=lag)
