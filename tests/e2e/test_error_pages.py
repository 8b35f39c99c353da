"""A browser that meets an error sees a page in the full layout, with a way home; an API client gets problem+json."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import COMMISSIONER_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import agreed_scheme

PASSWORD = "a long enough password"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xhtml+xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    """The pages served on a store where gill, of the commissioner, can sign in (not yet signed in)."""
    served = settings.model_copy(
        update={"secret_key": SecretStr("w" * 48), "attachments_dir": tmp_path / "files", "embedded_projector": True}
    )
    app = build_application(served)
    agreed_scheme(app)
    app.register_user(OPERATOR, "gill", COMMISSIONER_ID, Role.COMMISSIONER, quick_hash(PASSWORD))
    app.close()
    with client_of(served, raise_server_exceptions=False) as test_client:
        yield test_client


def _sign_in(client: TestClient) -> None:
    answer = client.post("/sign-in", data={"username": "gill", "password": PASSWORD, "next": "/"})
    assert answer.status_code == 200, answer.text


def _is_full_page(answer: httpx.Response, status: int, title: str, signed_in: bool) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert re.search(r'<html lang="en(-GB)?">', answer.text)
    assert f"<title>{title} – Corral</title>" in answer.text
    assert f"<h1>{title}</h1>" in answer.text
    assert '<footer class="footer"' in answer.text and 'href="/"' in answer.text
    assert ('aria-label="Primary"' in answer.text) is signed_in
    assert ("Sign out" in answer.text) is signed_in
    assert ("<strong>gill</strong>" in answer.text) is signed_in


def test_an_address_no_page_has_is_a_page_not_found_in_the_full_layout_for_whoever_is_signed_in(
    client: TestClient,
) -> None:
    stranger = client.get("/no-such-page", headers=HTML)
    _sign_in(client)
    signed_in = client.get("/no-such-page", headers=HTML)

    _is_full_page(stranger, 404, "Page not found", signed_in=False)
    _is_full_page(signed_in, 404, "Page not found", signed_in=True)
    assert "check you copied the whole address" in signed_in.text


def test_the_api_and_clients_that_do_not_ask_for_html_still_get_problem_json(client: TestClient) -> None:
    _sign_in(client)

    api = client.get("/api/v1/no-such-thing", headers=HTML)
    plain = client.get("/no-such-page", headers={"Accept": "application/json"})

    for answer in (api, plain):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == 404


def test_a_method_a_page_does_not_take_is_a_page_that_says_so_and_keeps_the_allow_header(client: TestClient) -> None:
    _sign_in(client)

    answer = client.get("/sign-out", headers=HTML)

    _is_full_page(answer, 405, "That cannot be done at this address", signed_in=True)
    assert answer.headers["allow"] == "POST"


def test_a_form_sent_without_the_sessions_csrf_token_is_refused_on_a_page_with_the_navigation(
    client: TestClient,
) -> None:
    _sign_in(client)

    answer = client.post("/sign-out", headers=HTML, follow_redirects=False)

    _is_full_page(answer, 403, "You cannot do that", signed_in=True)


def test_an_unexpected_fault_is_a_page_with_the_navigation_and_the_error_id(client: TestClient) -> None:
    def broken() -> None:
        raise RuntimeError("a bug nobody foresaw")

    client.app.add_api_route("/broken-page", broken)  # type: ignore[attr-defined]
    _sign_in(client)

    answer = client.get("/broken-page", headers=HTML)

    _is_full_page(answer, 500, "Something went wrong", signed_in=True)
    assert re.search(r"error id [0-9a-f]{16}", answer.text) and "a bug nobody foresaw" not in answer.text
