"""A browser's session: an HttpOnly, SameSite cookie, and a CSRF token on every change made with it."""

from __future__ import annotations

from tests.e2e.test_api_auth import PASSWORD, server  # noqa: F401  (the fixture)

from fastapi.testclient import TestClient

from api.storage.settings import Settings


def test_a_browser_signs_in_to_an_http_only_strict_cookie_that_reads_as_the_user(
    server: tuple[TestClient, Settings],  # noqa: F811
) -> None:
    client, _ = server

    signed_in = client.post("/api/v1/auth/session", data={"username": "colin", "password": PASSWORD})
    me = client.get("/api/v1/me")

    cookie = signed_in.headers["set-cookie"].lower()
    assert signed_in.status_code == 200 and len(signed_in.json()["csrf_token"]) == 64
    assert "corral_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert me.status_code == 200 and me.json()["username"] == "colin"
    assert client.get("/api/v1/auth/session").json()["csrf_token"] == signed_in.json()["csrf_token"]


def test_a_change_made_with_the_cookie_but_without_the_csrf_token_is_refused_and_changes_nothing(
    server: tuple[TestClient, Settings],  # noqa: F811
) -> None:
    client, _ = server
    csrf = client.post("/api/v1/auth/session", data={"username": "colin", "password": PASSWORD}).json()["csrf_token"]

    forged = client.post("/api/v1/auth/logout")
    wrong = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "0" * 64})
    still_signed_in = client.get("/api/v1/me")
    signed_out = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})

    assert (forged.status_code, wrong.status_code) == (403, 403)
    assert "X-CSRF-Token" in forged.json()["detail"]
    assert still_signed_in.status_code == 200
    assert signed_out.status_code == 204 and 'corral_session=""' in signed_out.headers["set-cookie"]
    assert client.get("/api/v1/me").status_code == 401


def test_a_signed_out_session_cookie_replayed_afterwards_is_refused(
    server: tuple[TestClient, Settings],  # noqa: F811
) -> None:
    client, _ = server
    csrf = client.post("/api/v1/auth/session", data={"username": "colin", "password": PASSWORD}).json()["csrf_token"]
    stolen = client.cookies["corral_session"]

    client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    client.cookies.set("corral_session", stolen)
    replayed = client.get("/api/v1/me")

    assert replayed.status_code == 401 and "signed out" in replayed.json()["detail"]


def test_a_csrf_token_in_a_form_field_is_accepted_like_the_header(
    server: tuple[TestClient, Settings],  # noqa: F811
) -> None:
    client, _ = server
    csrf = client.post("/api/v1/auth/session", data={"username": "colin", "password": PASSWORD}).json()["csrf_token"]

    signed_out = client.post("/api/v1/auth/logout", data={"csrf_token": csrf})

    assert signed_out.status_code == 204
    assert client.get("/api/v1/me").status_code == 401
