"""Routers made with their routes' whole paths, so that the app lists every route itself: no router is included in
another.

FastAPI (0.137 on) includes a router lazily. A request is then matched through every included router before the one
that answers, each walking its routes with FastAPI's bookkeeping around each, and matched again inside the one
chosen. Measured in one process, with the app's 40 routers included: ~145 µs of CPU to route a submission (the 16th
router), ~425 µs to find that nothing matches. A route made on a router with its whole prefix matches by its own
path, as Starlette matches any route: ~36 µs and ~177 µs for the same requests (BENCHMARKS.md, "Routing"). Its state
(its dependencies read from its signature, its models) is built once, when its module is imported, and every app of
the process shares it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route, WebSocketRoute

API = "/api/v1"


def operation_id(route: APIRoute) -> str:
    """A route's operationId: its function's name, which is unique across the API (tests/unit/test_openapi.py)."""
    return route.name


def api_router(prefix: str = "", **options: Any) -> APIRouter:
    """A router of the JSON API: its routes under /api/v1 and `prefix`; `options` as APIRouter takes them."""
    return APIRouter(prefix=API + prefix, generate_unique_id_function=operation_id, **options)


def root_router(**options: Any) -> APIRouter:
    """A router whose routes give their whole paths (/healthz, /auth/…), each named in the API's document by its
    function, as the API's own are; `options` as APIRouter takes them."""
    return APIRouter(generate_unique_id_function=operation_id, **options)


def routes_of(routers: Iterable[APIRouter]) -> tuple[BaseRoute, ...]:
    """The routers' routes, in order, for an app to list as its own; TypeError for a router that includes another,
    whose routes would be matched the slow way (see the module's docstring)."""
    routes = tuple(route for router in routers for route in router.routes)
    for route in routes:
        if not isinstance(route, Route | WebSocketRoute):
            raise TypeError(f"a router includes another ({route!r}): make its routes on a router of their own")
    return routes
