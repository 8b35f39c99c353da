"""Signing in over HTTP: the OAuth2 password flow, bearer tokens, and who they name."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.http.security import issue_token
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Actor, Role
from tests.builders import OPERATOR, COMMUNITY_ID, quick_hash
from tests.integration.given import organisations_registered
from tests.e2e.serving import PRIVATE_HOSPITAL_ADDED, client_of

PASSWORD = "a long enough password"
CORRAL = Path(sys.executable).parent / "corral"


@pytest.fixture
def server(settings: Settings) -> Iterator[tuple[TestClient, Settings]]:
    signed = settings.model_copy(update={"secret_key": SecretStr("k" * 48)})
    app = build_application(signed)
    organisations_registered(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    with client_of(signed) as client:
        yield client, signed


def sign_in(client: TestClient, username: str, password: str) -> httpx.Response:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_a_user_signs_in_and_the_token_names_them_and_their_organisation(server: tuple[TestClient, Settings]) -> None:
    client, _ = server
    token = sign_in(client, "colin", PASSWORD).json()

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})

    assert token["token_type"] == "bearer" and token["expires_in"] == 30 * 60
    assert me.status_code == 200
    assert me.json() == {
        "username": "colin",
        "organisation_id": str(COMMUNITY_ID),
        "organisation": "Devon Community Care Trust",
        "role": "provider",
        "display_name": "",
        "email": "",
    }


@pytest.mark.parametrize("username,password", [("colin", "not the password!"), ("nobody", PASSWORD)])
def test_a_wrong_password_and_an_unknown_user_get_the_same_refusal(
    server: tuple[TestClient, Settings], username: str, password: str
) -> None:
    client, _ = server

    refused = sign_in(client, username, password)

    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == "The username or password is wrong"


def test_no_token_a_forged_token_and_an_expired_token_are_all_refused(server: tuple[TestClient, Settings]) -> None:
    client, settings = server
    colin = Actor("colin", COMMUNITY_ID, Role.PROVIDER)
    forged = issue_token(colin, "another key entirely, not the server's", 30)
    expired = issue_token(colin, settings.signing_key(), -1)

    answers = [
        client.get("/api/v1/me"),
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}),
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"}),
    ]

    assert [a.status_code for a in answers] == [401, 401, 401]
    assert all(a.headers["WWW-Authenticate"] == "Bearer" for a in answers)


def test_a_disabled_account_can_no_longer_use_its_token(server: tuple[TestClient, Settings]) -> None:
    client, settings = server
    token = sign_in(client, "colin", PASSWORD).json()["access_token"]
    app = build_application(settings)
    app.disable_user(OPERATOR, "colin", "left the trust")
    app.close()

    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert refused.status_code == 401


def test_corral_organisations_add_and_users_add_open_an_account_with_a_name_that_can_sign_in(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}")
    env = {**os.environ, "CORRAL_DATABASE_URL": settings.database_url}
    registered = subprocess.run(
        [str(CORRAL), *PRIVATE_HOSPITAL_ADDED],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert registered.returncode == 0, registered.stdout + registered.stderr

    added = subprocess.run(
        [str(CORRAL), "users", "add", "Priya", "--organisation", "PRIVATE", "--role", "provider"]
        + ["--name", "Priya Shah", "--email", "Priya.Shah@example.nhs.uk"],
        input=f"{PASSWORD}\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    with client_of(settings) as client:
        token = sign_in(client, "priya", PASSWORD)
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}).json()

    assert added.returncode == 0, added.stdout + added.stderr
    assert "Priya Shah (priya) can now sign in" in added.stdout
    assert token.status_code == 200
    assert (me["display_name"], me["email"]) == ("Priya Shah", "priya.shah@example.nhs.uk")


def test_a_sign_in_without_a_password_names_the_missing_field(server: tuple[TestClient, Settings]) -> None:
    client, _ = server

    refused = client.post("/api/v1/auth/token", data={"username": "colin"})

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == ["password"]


def test_repeated_failed_sign_ins_are_throttled_even_with_the_right_password(
    server: tuple[TestClient, Settings],
) -> None:
    client, _ = server

    failures = [sign_in(client, "colin", "wrong password, try again").status_code for _ in range(5)]
    throttled = sign_in(client, "colin", PASSWORD)

    assert failures == [401] * 5
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0


def test_signing_out_revokes_the_token_at_once(server: tuple[TestClient, Settings]) -> None:
    client, _ = server
    headers = {"Authorization": f"Bearer {sign_in(client, 'colin', PASSWORD).json()['access_token']}"}

    signed_out = client.post("/api/v1/auth/logout", headers=headers)
    afterwards = client.get("/api/v1/me", headers=headers)

    assert signed_out.status_code == 204
    assert afterwards.status_code == 401
    assert sign_in(client, "colin", PASSWORD).status_code == 200
