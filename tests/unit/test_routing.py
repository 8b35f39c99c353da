"""The app lists every route itself, matched by its own whole path: no router is included in another, which FastAPI
would match through each included router in turn (api/http/routing.py)."""

from __future__ import annotations

import pytest
from starlette.routing import Route, WebSocketRoute

from api.http.routing import API, api_router, root_router, routes_of
from api.main import routes


def test_the_app_lists_every_route_itself_the_api_under_its_prefix() -> None:
    listed = routes()

    assert all(isinstance(route, Route | WebSocketRoute) for route in listed)
    assert {"/api/v1/live", "/api/v1/schemes/{scheme_id}/milestones/{milestone_code}/submissions"} <= {
        route.path for route in listed if isinstance(route, Route | WebSocketRoute)
    }


def test_a_router_that_includes_another_is_refused_naming_what_to_do() -> None:
    outer, inner = root_router(), api_router("/things")

    @inner.get("/{thing_id}")
    def read_thing(thing_id: int) -> int:
        return thing_id

    outer.include_router(inner)

    assert [route.path for route in routes_of([inner]) if isinstance(route, Route)] == [f"{API}/things/{{thing_id}}"]
    with pytest.raises(TypeError, match="make its routes on a router of their own"):
        routes_of([outer])
