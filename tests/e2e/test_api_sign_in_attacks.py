"""Signing in, tried as an attacker would: against a victim, sprayed across usernames, timed, forged from another site.

Each client here has its own address (a TestClient's `client`), as the server sees `request.client.host`. Issue 14:
five wrong passwords from anyone locked the real user out; 40 usernames from one client were never throttled; the
current-password check was not throttled; an unknown username answered 36 times faster than a real one; a cross-site
POST to /sign-in set a session; and a 65-character or NUL username was a 500 on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.http import security
from api.main import create_app
from api.http.security import hash_password
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import COMMUNITY_ID, OPERATOR
from tests.integration.given import organisations_registered

PASSWORD = "a long enough password"
NEW_PASSWORD = "a different and longer password"
USERS_LAPTOP, USERS_PHONE, ATTACKER = "10.0.0.1", "10.0.0.2", "203.0.113.9"


@pytest.fixture
def served(settings: Settings) -> Iterator[FastAPI]:
    """The API, serving colin (a provider), ada (the community trust's administrator) and dora (disabled)."""
    signed = settings.model_copy(update={"secret_key": SecretStr("s" * 48)})
    app = build_application(signed)
    organisations_registered(app)
    password_hash = hash_password(PASSWORD)
    for username, role in (("colin", Role.PROVIDER), ("ada", Role.ADMINISTRATOR), ("dora", Role.PROVIDER)):
        app.register_user(OPERATOR, username, COMMUNITY_ID, role, password_hash)
    app.disable_user(OPERATOR, "dora", "left the trust")
    app.close()
    web = create_app(signed)
    with TestClient(web):
        yield web


def client_at(web: FastAPI, address: str) -> TestClient:
    """A client of the served API (already started) from its own address, with its own cookies."""
    return TestClient(web, client=(address, 50000))


def sign_in(client: TestClient, username: str, password: str) -> httpx.Response:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def bearer(client: TestClient, username: str = "colin", password: str = PASSWORD) -> dict[str, str]:
    answer = sign_in(client, username, password)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def throttled(answer: httpx.Response) -> bool:
    return answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0


def test_five_wrong_passwords_from_an_attacker_do_not_stop_the_user_signing_in_on_a_device_they_used_before(
    served: FastAPI,
) -> None:
    laptop, attacker = client_at(served, USERS_LAPTOP), client_at(served, ATTACKER)
    assert sign_in(laptop, "colin", PASSWORD).status_code == 200  # an earlier day's sign-in: a device cookie

    guesses = [sign_in(attacker, "colin", f"guess number {n}").status_code for n in range(5)]
    attacker_with_the_password = sign_in(attacker, "colin", PASSWORD)
    by_token = sign_in(laptop, "colin", PASSWORD)
    by_session = laptop.post("/api/v1/auth/session", data={"username": "colin", "password": PASSWORD})
    by_page = laptop.post("/sign-in", data={"username": "colin", "password": PASSWORD}, follow_redirects=False)

    assert guesses == [401] * 5
    assert throttled(attacker_with_the_password)
    assert (by_token.status_code, by_session.status_code, by_page.status_code) == (200, 200, 303)


def test_a_stolen_device_cookie_stops_being_trusted_after_a_few_failures_of_its_own(served: FastAPI) -> None:
    laptop = client_at(served, USERS_LAPTOP)
    sign_in(laptop, "colin", PASSWORD)
    thief = client_at(served, ATTACKER)
    thief.cookies.set("corral_device", laptop.cookies["corral_device"])

    guesses = [sign_in(thief, "colin", f"guess number {n}").status_code for n in range(5)]

    assert guesses == [401] * 5
    assert throttled(sign_in(thief, "colin", PASSWORD))


def test_forty_usernames_tried_from_one_client_are_throttled_after_twenty_failures(served: FastAPI) -> None:
    sprayer = client_at(served, ATTACKER)

    answers = [sign_in(sprayer, f"user{n:02d}.quality", "Spring-in-Torbay-2014") for n in range(40)]
    from_elsewhere = sign_in(client_at(served, USERS_LAPTOP), "colin", PASSWORD)

    assert [a.status_code for a in answers[:20]] == [401] * 20
    assert all(throttled(a) for a in answers[20:])
    assert from_elsewhere.status_code == 200


def test_the_current_password_check_of_a_password_change_is_throttled_like_signing_in(served: FastAPI) -> None:
    laptop, attacker = client_at(served, USERS_LAPTOP), client_at(served, ATTACKER)
    stolen_token = bearer(laptop)

    def change(current: str) -> httpx.Response:
        body = {"password": NEW_PASSWORD, "current_password": current}
        return attacker.post("/api/v1/users/colin/password", json=body, headers=stolen_token)

    guesses = [change(f"guess number {n}").status_code for n in range(5)]
    with_the_password = change(PASSWORD)

    assert guesses == [403] * 5
    assert throttled(with_the_password)
    assert sign_in(laptop, "colin", PASSWORD).status_code == 200


class CountingHasher(PasswordHasher):
    """argon2 as configured, counting the hashes it verifies."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.mark.parametrize(
    "username",
    ["colin", "nobody.at.all", "dora", "x" * 65, "col\x00in"],
    ids=["real", "unknown", "disabled", "65 characters", "NUL"],
)
def test_a_wrong_password_costs_one_argon2_verification_whatever_the_username(
    served: FastAPI, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    counting = CountingHasher()
    monkeypatch.setattr(security, "hasher", counting)

    refused = sign_in(client_at(served, ATTACKER), username, "not the password at all")

    assert refused.status_code == 401 and refused.json()["detail"] == "The username or password is wrong"
    assert counting.verified == 1


@pytest.mark.parametrize("username", ["x" * 65, "col\x00in", "\x00" * 200], ids=["65 characters", "NUL", "200 NULs"])
def test_a_malformed_username_is_a_wrong_username_on_every_sign_in_never_a_database_error(
    served: FastAPI, username: str
) -> None:
    client = client_at(served, ATTACKER)
    form = {"username": username, "password": PASSWORD}

    answers = [sign_in(client, username, PASSWORD).status_code for _ in range(6)]
    session = client.post("/api/v1/auth/session", data=form)
    page = client.post("/sign-in", data=form, follow_redirects=False)

    assert answers == [401] * 5 + [429]
    assert session.status_code == 429 and page.status_code == 400


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
    ids=["another site's Origin", "an opaque Origin", "cross-site without Origin"],
)
def test_a_cross_site_post_to_sign_in_sets_no_session(served: FastAPI, headers: dict[str, str]) -> None:
    browser = client_at(served, USERS_LAPTOP)
    form = {"username": "colin", "password": PASSWORD, "next": "/"}

    page = browser.post("/sign-in", data=form, headers=headers, follow_redirects=False)
    api = browser.post("/api/v1/auth/session", data=form, headers=headers)

    assert (page.status_code, api.status_code) == (403, 403)
    assert "corral_session" not in browser.cookies
    assert browser.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://127.0.0.1:8000"},
        {"Sec-Fetch-Site": "same-origin"},
        {},
    ],
    ids=["this site", "an allowed page", "same-origin without Origin", "not a browser"],
)
def test_a_sign_in_from_this_site_an_allowed_page_or_a_client_that_is_no_browser_starts_a_session(
    served: FastAPI, headers: dict[str, str]
) -> None:
    browser = client_at(served, USERS_LAPTOP)
    form = {"username": "colin", "password": PASSWORD, "next": "/"}

    page = browser.post("/sign-in", data=form, headers=headers, follow_redirects=False)

    assert page.status_code == 303 and "corral_session" in browser.cookies
    assert browser.get("/api/v1/me").status_code == 200
