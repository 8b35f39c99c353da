"""Every route of the API is classified for API clients: it names the scope a client's token needs, or it is for
people only. A route added later without a row is refused to clients, and this test names it."""

from __future__ import annotations

import pytest

from api.http.scopes import PEOPLE_ONLY, SCOPE_BY_ROUTE, require_route_scope
from api.main import create_app
from domain.api_client import SCOPES, ScopeMissingError
from tests.e2e.test_api_access_matrix import api_routes

ROUTES = api_routes(create_app()) - {("GET", "/healthz"), ("GET", "/readyz")}


def test_every_route_of_the_api_names_the_scope_it_needs_or_is_for_people_only() -> None:
    rows = set(SCOPE_BY_ROUTE)

    assert {"unclassified": sorted(ROUTES - rows), "no such route": sorted(rows - ROUTES)} == {
        "unclassified": [],
        "no such route": [],
    }


def test_every_scope_the_routes_name_is_in_the_vocabulary_and_every_scope_is_used() -> None:
    named = {scope for scope in SCOPE_BY_ROUTE.values() if scope is not PEOPLE_ONLY}

    assert named == set(SCOPES)


def test_administration_and_a_person_s_own_things_are_for_people_only() -> None:
    for (_, path), scope in SCOPE_BY_ROUTE.items():
        if path.startswith(("/api/v1/users", "/api/v1/clients", "/api/v1/auth", "/api/v1/me/notifications")):
            assert scope is PEOPLE_ONLY, path


def test_a_client_is_refused_a_route_whose_scope_its_token_lacks_and_told_which() -> None:
    with pytest.raises(ScopeMissingError) as missing:
        require_route_scope(frozenset({"progress:read"}), "GET", "/api/v1/programmes/{programme_id}/payments")

    assert "payments:read" in str(missing.value)
    require_route_scope(frozenset({"payments:read"}), "GET", "/api/v1/programmes/{programme_id}/payments")


def test_a_route_no_row_names_and_a_page_are_refused_to_every_client_whatever_its_scopes() -> None:
    for path in ("/api/v1/something-added-later", "/programmes/{programme_id}", None):
        with pytest.raises(ScopeMissingError) as refused:
            require_route_scope(frozenset(SCOPES), "GET", path)
        assert "people only" in str(refused.value)
