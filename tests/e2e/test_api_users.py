"""User accounts over HTTP: an organisation's administrator opens and disables them; passwords change only knowingly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import organisations_registered

PASSWORD = "a long enough password"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    signed = settings.model_copy(update={"secret_key": SecretStr("k" * 48)})
    app = build_application(signed)
    organisations_registered(app)
    app.register_user(OPERATOR, "ada", COMMUNITY_ID, Role.ADMINISTRATOR, quick_hash(PASSWORD))
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    with client_of(signed) as client:
        yield client


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_the_administrator_opens_an_account_in_its_organisation_that_signs_in_and_disables_it_with_a_reason(
    client: TestClient,
) -> None:
    admin = bearer(client, "ada")
    body = {"username": "Nina.Quality", "organisation_id": str(COMMUNITY_ID), "role": "provider", "password": PASSWORD}

    opened = client.post("/api/v1/users", json=body, headers=admin)
    nina = bearer(client, "nina.quality")
    me = client.get("/api/v1/me", headers=nina)
    disabled = client.post("/api/v1/users/nina.quality/disablement", json={"reason": "left the trust"}, headers=admin)

    assert opened.status_code == 201
    assert me.json()["organisation_id"] == str(COMMUNITY_ID)
    assert disabled.status_code == 200
    assert client.get("/api/v1/me", headers=nina).status_code == 401


def test_only_the_administrator_opens_accounts_and_a_taken_username_is_a_conflict(client: TestClient) -> None:
    body = {"username": "colin", "organisation_id": str(COMMUNITY_ID), "role": "provider", "password": PASSWORD}

    by_provider = client.post("/api/v1/users", json=body | {"username": "mallory"}, headers=bearer(client, "colin"))
    taken = client.post("/api/v1/users", json=body, headers=bearer(client, "ada"))
    short = client.post("/api/v1/users", json=body | {"password": "short"}, headers=bearer(client, "ada"))

    assert by_provider.status_code == 403
    assert taken.status_code == 409 and "colin" in taken.json()["detail"]
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "password"


def test_a_user_changes_their_own_password_only_by_giving_the_current_one(client: TestClient) -> None:
    colin = bearer(client, "colin")
    new = "an even longer new password"

    guessed = client.post("/api/v1/users/colin/password", json={"password": new}, headers=colin)
    changed = client.post(
        "/api/v1/users/colin/password", json={"password": new, "current_password": PASSWORD}, headers=colin
    )
    carried_on = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    someone_elses = client.post("/api/v1/users/ada/password", json={"password": new}, headers=carried_on)

    assert guessed.status_code == 403 and changed.status_code == 200 and someone_elses.status_code == 403
    assert client.get("/api/v1/me", headers=colin).status_code == 401
    assert client.post("/api/v1/auth/token", data={"username": "colin", "password": PASSWORD}).status_code == 401
    assert bearer(client, "colin", new)


def test_an_account_opens_with_a_name_and_email_address_which_its_user_sees_and_changes(client: TestClient) -> None:
    body = {
        "username": "nina",
        "organisation_id": str(COMMUNITY_ID),
        "role": "provider",
        "password": PASSWORD,
        "display_name": "Nina Patel",
        "email": "Nina.Patel@Example.NHS.uk",
    }
    opened = client.post("/api/v1/users", json=body, headers=bearer(client, "ada"))
    nina = bearer(client, "nina")
    first = client.get("/api/v1/me", headers=nina).json()

    changed = client.post(
        "/api/v1/users/nina/details", json={"display_name": "Nina Shah", "email": "nina@example.nhs.uk"}, headers=nina
    )
    by_admin = client.post(
        "/api/v1/users/nina/details",
        json={"display_name": "Dr Nina Shah", "email": ""},
        headers=bearer(client, "ada") | {"If-Match": changed.headers["ETag"]},
    )
    now = client.get("/api/v1/me", headers=nina).json()

    assert opened.status_code == 201
    assert (first["display_name"], first["email"]) == ("Nina Patel", "nina.patel@example.nhs.uk")
    assert changed.status_code == 200 and by_admin.status_code == 200
    assert (now["display_name"], now["email"]) == ("Dr Nina Shah", "")


def test_an_email_address_that_is_not_one_is_a_422_naming_the_field_and_changes_nothing(client: TestClient) -> None:
    colin = bearer(client, "colin")

    refused = client.post(
        "/api/v1/users/colin/details", json={"display_name": "Colin", "email": "colin at the trust"}, headers=colin
    )
    other = client.post("/api/v1/users/ada/details", json={"display_name": "Ada", "email": ""}, headers=colin)

    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "email"
    assert other.status_code == 403
    assert client.get("/api/v1/me", headers=colin).json()["display_name"] == ""
