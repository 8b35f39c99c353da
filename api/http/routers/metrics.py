"""/metrics for Prometheus: outside the API's documentation, and behind a bearer token when CORRAL_METRICS_TOKEN
is set."""

from __future__ import annotations

import secrets

from fastapi import Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.http.deps import ServerSettings
from api.http.errors import problem
from api.http.routing import root_router
from api.observability.metrics import scrape

router = root_router(tags=["health"])


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, settings: ServerSettings) -> Response:
    """The server's metrics in Prometheus's text format."""
    if settings.metrics_token is not None:
        scheme, _, offered = request.headers.get("authorization", "").partition(" ")
        expected = settings.metrics_token.get_secret_value()
        if scheme.lower() != "bearer" or not secrets.compare_digest(offered.encode(), expected.encode()):
            detail = "send the metrics token (CORRAL_METRICS_TOKEN) as a bearer token"
            refused = problem(401, "Not signed in", detail)
            refused.headers["WWW-Authenticate"] = "Bearer"
            return refused
    state = request.app.state
    return Response(scrape(state.corral, state.views), media_type=CONTENT_TYPE_LATEST)
