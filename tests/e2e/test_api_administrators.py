"""An administrator, tried as a hostile one: it manages its own organisation's accounts, and no other's.

The attacks of issue 14: `sdt-ccg.admin` opened a commissioner account inside NHS England, and reset other
organisations' users' passwords. Another organisation's account must read exactly like one that does not exist;
registering organisations is the platform operator's, at the server, and has no route.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.actors import Role
from domain.organisation import OrganisationKind
from tests.builders import COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import organisations_registered

PASSWORD = "a long enough password"
NEW_PASSWORD = "a different and longer password"
NHSE_ID = ids.organisation_id("NHSE")
USERS = (
    ("sdt-ccg.admin", COMMISSIONER_ID, Role.ADMINISTRATOR),
    ("sdt-ccg.quality", COMMISSIONER_ID, Role.COMMISSIONER),
    ("nhse-spec.quality", NHSE_ID, Role.COMMISSIONER),
    ("mht.quality", COMMUNITY_ID, Role.PROVIDER),
)
SOMEONE_ELSES = ["nhse-spec.quality", "mht.quality"]
NOBODY = "no-such.user"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    signed = settings.model_copy(update={"secret_key": SecretStr("a" * 48), "embedded_projector": True})
    app = build_application(signed)
    organisations_registered(app)
    app.register_organisation(OPERATOR, "NHSE", "NHS England Specialised Commissioning", OrganisationKind.COMMISSIONER)
    password_hash = quick_hash(PASSWORD)
    for username, organisation_id, role in USERS:
        app.register_user(OPERATOR, username, organisation_id, role, password_hash)
    app.close()
    with client_of(signed) as client:
        yield client


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def signs_in(client: TestClient, username: str, password: str) -> bool:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password}).status_code == 200


def as_words(answer: httpx.Response, username: str) -> dict[str, Any]:
    """The problem an answer gives, with the username it names put aside, to compare with another username's."""
    problem: dict[str, Any] = answer.json()
    return {**problem, "detail": str(problem.get("detail", "")).replace(username, "<username>")}


@pytest.mark.parametrize("role", ["commissioner", "administrator", "auditor"])
def test_an_administrator_cannot_open_an_account_inside_another_commissioner_and_nothing_is_recorded(
    client: TestClient, settings: Settings, role: str
) -> None:
    admin = bearer(client, "sdt-ccg.admin")
    body = {"username": "mallory", "organisation_id": str(NHSE_ID), "role": role, "password": NEW_PASSWORD}

    refused = client.post("/api/v1/users", json=body, headers=admin)

    assert refused.status_code == 403 and refused.json()["rule"] == "NotPermitted"
    assert not signs_in(client, "mallory", NEW_PASSWORD)
    app = build_application(settings)
    try:
        assert not app.exists(ids.user_id("mallory"))
    finally:
        app.close()


@pytest.mark.parametrize("victim", SOMEONE_ELSES)
def test_resetting_another_organisation_s_user_s_password_reads_like_an_unknown_user_and_changes_nothing(
    client: TestClient, victim: str
) -> None:
    admin = bearer(client, "sdt-ccg.admin")
    body = {"password": NEW_PASSWORD}

    theirs = client.post(f"/api/v1/users/{victim}/password", json=body, headers=admin)
    theirs_at_a_version = client.post(
        f"/api/v1/users/{victim}/password", json=body, headers=admin | {"If-Match": '"7"'}
    )
    unknown = client.post(f"/api/v1/users/{NOBODY}/password", json=body, headers=admin)

    assert theirs.status_code == theirs_at_a_version.status_code == unknown.status_code == 404
    assert as_words(theirs, victim) == as_words(theirs_at_a_version, victim) == as_words(unknown, NOBODY)
    assert signs_in(client, victim, PASSWORD) and not signs_in(client, victim, NEW_PASSWORD)


@pytest.mark.parametrize("victim", SOMEONE_ELSES)
def test_disabling_another_organisation_s_user_reads_like_an_unknown_user_and_changes_nothing(
    client: TestClient, victim: str
) -> None:
    admin = bearer(client, "sdt-ccg.admin")
    victims_session = bearer(client, victim)
    body = {"reason": "taken over"}

    theirs = client.post(f"/api/v1/users/{victim}/disablement", json=body, headers=admin)
    unknown = client.post(f"/api/v1/users/{NOBODY}/disablement", json=body, headers=admin)

    assert theirs.status_code == unknown.status_code == 404
    assert as_words(theirs, victim) == as_words(unknown, NOBODY)
    assert client.get("/api/v1/me", headers=victims_session).status_code == 200


def test_an_organisation_cannot_be_registered_over_http_only_at_the_server(client: TestClient) -> None:
    admin = bearer(client, "sdt-ccg.admin")
    body = {"code": "EVIL", "name": "An organisation of my own", "kind": "commissioner"}

    refused = client.post("/api/v1/organisations", json=body, headers=admin)
    listed = client.get("/api/v1/organisations", headers=admin)

    assert refused.status_code in (404, 405)
    assert "An organisation of my own" not in [o["name"] for o in listed.json()]


def test_an_administrator_resets_its_own_organisation_s_user_s_password_which_ends_their_sessions(
    client: TestClient,
) -> None:
    admin = bearer(client, "sdt-ccg.admin")
    users_session = bearer(client, "sdt-ccg.quality")

    reset = client.post("/api/v1/users/sdt-ccg.quality/password", json={"password": NEW_PASSWORD}, headers=admin)

    assert reset.status_code == 200 and "access_token" not in reset.json()
    assert client.get("/api/v1/me", headers=users_session).status_code == 401
    assert client.get("/api/v1/me", headers=admin).status_code == 200
    assert signs_in(client, "sdt-ccg.quality", NEW_PASSWORD)


def test_no_account_can_be_opened_with_the_platform_operator_s_role(client: TestClient) -> None:
    admin = bearer(client, "sdt-ccg.admin")
    body = {"username": "root", "organisation_id": str(COMMISSIONER_ID), "role": "operator", "password": NEW_PASSWORD}

    refused = client.post("/api/v1/users", json=body, headers=admin)

    assert refused.status_code == 422
    assert not signs_in(client, "root", NEW_PASSWORD)
