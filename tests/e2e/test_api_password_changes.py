"""Changing a password, tried as issue 14 did: it ends the user's other sessions, and a guessable one is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI

from api.storage.settings import Settings
from tests.builders import COMMUNITY_ID
from tests.e2e.serving import PRIVATE_HOSPITAL_ADDED
from tests.e2e.test_api_sign_in_attacks import (  # noqa: F401  (the fixture)
    NEW_PASSWORD,
    PASSWORD,
    USERS_LAPTOP,
    USERS_PHONE,
    bearer,
    client_at,
    served,
    sign_in,
)

CORRAL = Path(sys.executable).parent / "corral"
GUESSABLE = [
    ("password1234", "This is a very common password."),
    ("corralpassword", "This is similar to a commonly used password."),
    ("iloveyou1234", "This is similar to a commonly used password."),
    ("corral-demo-password", "Add another word or two."),  # published in the README for the demo
]


def test_a_password_change_ends_the_user_s_other_sessions_while_the_changing_one_carries_on(
    served: FastAPI,  # noqa: F811
) -> None:
    laptop, phone = client_at(served, USERS_LAPTOP), client_at(served, USERS_PHONE)
    changing, other = bearer(laptop), bearer(phone)

    changed = laptop.post(
        "/api/v1/users/colin/password",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers=changing,
    )
    carried_on = {"Authorization": f"Bearer {changed.json()['access_token']}"}

    assert changed.status_code == 200 and changed.json()["token_type"] == "bearer"
    assert phone.get("/api/v1/me", headers=other).status_code == 401
    assert laptop.get("/api/v1/me", headers=changing).status_code == 401
    assert laptop.get("/api/v1/me", headers=carried_on).status_code == 200


def test_a_browser_session_that_changes_the_password_gets_a_fresh_cookie_and_csrf_token_and_carries_on(
    served: FastAPI,  # noqa: F811
) -> None:
    browser, phone = client_at(served, USERS_LAPTOP), client_at(served, USERS_PHONE)
    form = {"username": "colin", "password": PASSWORD}
    csrf = browser.post("/api/v1/auth/session", data=form).json()["csrf_token"]
    other = bearer(phone)

    changed = browser.post(
        "/api/v1/users/colin/password",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )

    assert changed.status_code == 200 and "corral_session=" in changed.headers["set-cookie"]
    assert browser.get("/api/v1/me").status_code == 200
    assert phone.get("/api/v1/me", headers=other).status_code == 401
    signed_out = browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": changed.json()["csrf_token"]})
    assert signed_out.status_code == 204


@pytest.mark.parametrize(("password", "advice"), GUESSABLE, ids=[p for p, _ in GUESSABLE])
def test_a_guessable_password_is_refused_with_zxcvbn_s_advice_when_a_user_changes_to_it(
    served: FastAPI,  # noqa: F811
    password: str,
    advice: str,
) -> None:
    laptop = client_at(served, USERS_LAPTOP)

    refused = laptop.post(
        "/api/v1/users/colin/password",
        json={"password": password, "current_password": PASSWORD},
        headers=bearer(laptop),
    )

    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "password" and "too easy to guess" in error["message"] and advice in error["message"]
    assert sign_in(laptop, "colin", PASSWORD).status_code == 200


@pytest.mark.parametrize(("password", "advice"), GUESSABLE, ids=[p for p, _ in GUESSABLE])
def test_a_guessable_password_is_refused_when_an_administrator_opens_an_account_with_it(
    served: FastAPI,  # noqa: F811
    password: str,
    advice: str,
) -> None:
    laptop = client_at(served, USERS_LAPTOP)
    body = {"username": "nina", "organisation_id": str(COMMUNITY_ID), "role": "provider"}

    refused = laptop.post("/api/v1/users", json=body | {"password": password}, headers=bearer(laptop, "ada"))

    assert refused.status_code == 422 and advice in refused.json()["errors"][0]["message"]
    assert sign_in(laptop, "nina", password).status_code == 401


def test_corral_users_add_refuses_a_guessable_password_and_opens_no_account(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}")
    env = {**os.environ, "CORRAL_DATABASE_URL": settings.database_url}
    subprocess.run(
        [str(CORRAL), *PRIVATE_HOSPITAL_ADDED],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )

    def add(username: str, password: str) -> subprocess.CompletedProcess[str]:
        command = [str(CORRAL), "users", "add", username, "--organisation", "PRIVATE", "--role", "provider"]
        return subprocess.run(command, input=f"{password}\n", env=env, capture_output=True, text=True, timeout=60)

    refused = add("priya", "password1234")
    accepted = add("priya", PASSWORD)

    assert refused.returncode == 2 and "This is a very common password." in " ".join(refused.stdout.split())
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
