"""Setting up over HTTP: a programme, a scheme drafted, led, signed and varied (organisations at the server)."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.actors import Role
from domain.organisation import OrganisationKind
from tests.builders import OPERATOR, COMMISSIONER_ID, quick_hash

PASSWORD = "a long enough password"
ACUTE, COMMUNITY = str(ids.organisation_id("ACUTE")), str(ids.organisation_id("COMMUNITY"))
TERMS = {
    "title": "Improve nutrition and hydration in care settings",
    "participants": [{"provider_id": ACUTE}, {"provider_id": COMMUNITY}],
    "milestones": [
        {"code": "PLAN", "title": "Joint action plan", "quarter": "Q1", "due": "2014-07-31"},
        {
            "code": "SCREEN",
            "title": "Patients screened within 24 hours",
            "quarter": "Q2",
            "due": "2014-10-31",
            "measure": {"numerator": "screened", "denominator": "admitted", "minimum": "0.80", "maximum": "0.95"},
        },
    ],
}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    signed = settings.model_copy(update={"secret_key": SecretStr("u" * 48), "embedded_projector": True})
    app = build_application(signed)
    app.register_organisation(OPERATOR, "CCG", "South Devon and Torbay CCG", OrganisationKind.COMMISSIONER)
    password_hash = quick_hash(PASSWORD)
    app.register_user(OPERATOR, "root", COMMISSIONER_ID, Role.ADMINISTRATOR, password_hash)
    app.register_user(OPERATOR, "gill", COMMISSIONER_ID, Role.COMMISSIONER, password_hash)
    with TestClient(create_app(signed)) as test_client:
        yield test_client
    app.close()


def providers_registered(settings: Settings) -> None:
    """The acute and community trusts, registered at the server by the platform operator."""
    app = build_application(settings)
    for code, name in (("ACUTE", "Torbay Acute Trust"), ("COMMUNITY", "Devon Community Care Trust")):
        app.register_organisation(OPERATOR, code, name, OrganisationKind.PROVIDER)
    app.close()


def signed_in(client: TestClient, username: str) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_a_scheme_is_set_up_signed_by_every_party_and_varied_over_http(client: TestClient, settings: Settings) -> None:
    gill = signed_in(client, "gill")
    providers_registered(settings)
    app = build_application(settings)
    for username, organisation in (("alice", ACUTE), ("colin", COMMUNITY)):
        app.register_user(OPERATOR, username, UUID(organisation), Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    programme = client.post(
        "/api/v1/programmes", json={"health_economy": "South Devon and Torbay", "contract_year": 2014}, headers=gill
    ).json()["id"]
    for provider in (ACUTE, COMMUNITY):
        body = {"provider_id": provider, "contract_value": "100000000", "cquin_rate": "0.025"}
        assert client.post(f"/api/v1/programmes/{programme}/providers", json=body, headers=gill).status_code == 200
    scheme = client.post(f"/api/v1/programmes/{programme}/schemes", json=TERMS | {"code": "NUTRITION"}, headers=gill)
    scheme_id = scheme.json()["id"]
    client.post(f"/api/v1/schemes/{scheme_id}/lead", json={"provider_id": ACUTE}, headers=gill)
    for headers in (signed_in(client, "alice"), signed_in(client, "colin"), gill):
        signed = client.post(f"/api/v1/schemes/{scheme_id}/signatures", json={"terms_version": 1}, headers=headers)
    progress = client.get(
        f"/api/v1/programmes/{programme}/progress", params={"after": signed.json()["position"]}, headers=gill
    )

    stale = client.post(f"/api/v1/schemes/{scheme_id}/signatures", json={"terms_version": 1}, headers=gill)
    variation = TERMS | {"reason": "no change"}
    outdated = client.post(
        f"/api/v1/schemes/{scheme_id}/variations", json=variation, headers=gill | {"If-Match": scheme.headers["ETag"]}
    )
    varied = client.post(
        f"/api/v1/schemes/{scheme_id}/variations", json=variation, headers=gill | {"If-Match": signed.headers["ETag"]}
    )
    unsigned = client.post(f"/api/v1/schemes/{scheme_id}/signatures", json={"terms_version": 1}, headers=gill)

    assert scheme.status_code == 201
    owed = ("not yet due", "awaiting evidence", "overdue")
    assert sum(progress.json()["counts"][status] for status in owed) == 4
    assert stale.status_code == 422 and stale.json()["rule"] == "NothingToSign"
    assert outdated.status_code == 412 and "reload" in outdated.json()["detail"]
    assert varied.status_code == 200 and varied.headers["ETag"] != signed.headers["ETag"]
    assert unsigned.status_code == 422 and unsigned.json()["rule"] == "StaleTerms"


def test_an_administrator_cannot_set_up_a_programme(client: TestClient, settings: Settings) -> None:
    refused = client.post(
        "/api/v1/programmes",
        json={"health_economy": "Torbay", "contract_year": 2014},
        headers=signed_in(client, "root"),
    )

    assert refused.status_code == 403
    assert refused.json()["rule"] == "NotPermitted"


def test_a_draft_is_read_with_its_version_amended_against_it_and_signed_against_the_new_one(
    client: TestClient, settings: Settings
) -> None:
    root, gill = signed_in(client, "root"), signed_in(client, "gill")
    providers_registered(settings)
    programme = client.post(
        "/api/v1/programmes", json={"health_economy": "South Devon and Torbay", "contract_year": 2014}, headers=gill
    ).json()["id"]
    for provider in (ACUTE, COMMUNITY):
        body = {"provider_id": provider, "contract_value": "100000000", "cquin_rate": "0.025"}
        client.post(f"/api/v1/programmes/{programme}/providers", json=body, headers=gill)
    scheme_id = client.post(
        f"/api/v1/programmes/{programme}/schemes", json=TERMS | {"code": "NUTRITION"}, headers=gill
    ).json()["id"]

    read = client.get(f"/api/v1/schemes/{scheme_id}", headers=gill)
    amended_terms = TERMS | {"title": "Improve nutrition and hydration"}
    amendment = amended_terms | {"reason": "shorter title"}
    amended = client.post(
        f"/api/v1/schemes/{scheme_id}/amendments", json=amendment, headers=gill | {"If-Match": read.headers["ETag"]}
    )
    stale = client.post(
        f"/api/v1/schemes/{scheme_id}/signatures",
        json={"terms_version": 2},
        headers=gill | {"If-Match": read.headers["ETag"]},
    )
    signed = client.post(
        f"/api/v1/schemes/{scheme_id}/signatures",
        json={"terms_version": 2},
        headers=gill | {"If-Match": amended.headers["ETag"]},
    )
    revised = client.post(
        f"/api/v1/programmes/{programme}/providers/{ACUTE}/revisions",
        json={"contract_value": "120000000", "cquin_rate": "0.025", "reason": "contract varied"},
        headers=gill,
    )
    after = client.get(f"/api/v1/schemes/{scheme_id}", headers=gill).json()
    listed = client.get("/api/v1/organisations", params={"after": revised.json()["position"]}, headers=root)
    names = [o["name"] for o in listed.json()]

    assert read.status_code == 200 and read.json()["status"] == "draft" and read.json()["terms_version"] == 1
    assert read.json()["terms"]["milestones"][1]["measure"]["minimum"] == "0.80"
    assert amended.status_code == 200 and stale.status_code == 412 and signed.status_code == 200
    assert revised.status_code == 200
    assert after["terms"]["title"] == amended_terms["title"] and after["signatures"] == {str(COMMISSIONER_ID): "gill"}
    assert {"Torbay Acute Trust", "Devon Community Care Trust", "South Devon and Torbay CCG"} <= set(names)


def test_a_programme_is_continued_into_next_year_once_over_http_and_both_years_name_each_other(
    client: TestClient, settings: Settings
) -> None:
    gill = signed_in(client, "gill")
    providers_registered(settings)
    app = build_application(settings)
    app.register_user(OPERATOR, "alice", UUID(ACUTE), Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    programme = client.post(
        "/api/v1/programmes", json={"health_economy": "South Devon and Torbay", "contract_year": 2014}, headers=gill
    ).json()["id"]
    for provider in (ACUTE, COMMUNITY):
        body = {"provider_id": provider, "contract_value": "100000000", "cquin_rate": "0.025"}
        client.post(f"/api/v1/programmes/{programme}/providers", json=body, headers=gill)
    scheme_id = client.post(f"/api/v1/programmes/{programme}/schemes", json=TERMS | {"code": "NUTRITION"}, headers=gill)
    client.post(f"/api/v1/schemes/{scheme_id.json()['id']}/lead", json={"provider_id": ACUTE}, headers=gill)

    refused = client.post(f"/api/v1/programmes/{programme}/continuation", headers=signed_in(client, "alice"))
    continued = client.post(f"/api/v1/programmes/{programme}/continuation", headers=gill)
    again = client.post(f"/api/v1/programmes/{programme}/continuation", json={}, headers=gill)

    assert refused.status_code == 403
    assert continued.status_code == 201, continued.text
    following = continued.json()["id"]
    assert (again.status_code, again.json()["rule"]) == (409, "ProgrammeAlreadyContinued")
    assert again.json()["detail"] == "This programme has already been continued into 2015/16"
    after = {"after": continued.json()["position"]}
    listed = {p["id"]: p for p in client.get("/api/v1/programmes", params=after, headers=gill).json()}
    assert (listed[programme]["continued_by"], listed[programme]["continues"]) == (following, None)
    assert (listed[following]["continues"], listed[following]["contract_year"]) == (programme, 2015)
    carried = client.get(f"/api/v1/schemes/{ids.scheme_id(UUID(following), 'NUTRITION')}", headers=gill).json()
    assert carried["status"] == "draft" and carried["terms"]["milestones"][1]["due"] == "2015-10-31"
