"""An organisation's own audit trail over HTTP, on both databases: each trust's administrator reads its users' single
sign-ons (the identity provider named), its API clients, its webhook endpoints and its sign-in choice, as JSON and as
CSV, and nothing of the other trust's; the other trust's administrator and a provider's quality lead are refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import ACUTE_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.integration.test_organisation_audit import two_trusts_acted

PASSWORD = "a long enough password"
COMMUNITY_TRAIL, ACUTE_TRAIL = (f"/api/v1/organisations/{o}/audit" for o in (COMMUNITY_ID, ACUTE_ID))


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    signed = settings.model_copy(update={"secret_key": SecretStr("a" * 48), "embedded_projector": True})
    app = build_application(signed)
    two_trusts_acted(app)
    for username, organisation_id, role in (
        ("community.admin", COMMUNITY_ID, Role.ADMINISTRATOR),
        ("acute.admin", ACUTE_ID, Role.ADMINISTRATOR),
        ("community.quality", COMMUNITY_ID, Role.PROVIDER),
    ):
        app.register_user(OPERATOR, username, organisation_id, role, quick_hash(PASSWORD))
    app.close()
    with client_of(signed) as client:
        yield client


def bearer(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def descriptions(client: TestClient, path: str, username: str) -> list[str]:
    answer = client.get(path, headers=bearer(client, username))
    assert answer.status_code == 200, answer.text
    return [entry["description"] for entry in answer.json()["entries"]]


def test_each_trust_s_administrator_reads_its_own_sign_ins_clients_webhooks_and_sign_in_choice(
    client: TestClient,
) -> None:
    community = descriptions(client, COMMUNITY_TRAIL, "community.admin")
    acute = descriptions(client, ACUTE_TRAIL, "acute.admin")

    assert "Colin (colin) signed in with NHS CIS2" in community
    assert any(d.startswith("Administrator admin registered the API client COMMUNITY feed") for d in community)
    assert any(d.startswith("Administrator admin revoked the API client COMMUNITY feed") for d in community)
    assert any(d.startswith("Administrator admin registered webhook endpoint") for d in community)
    assert any("Devon Community Care Trust's users sign in with passwords or single sign-on" in d for d in community)
    assert "Alice (alice) signed in with Microsoft Entra ID" in acute
    assert not [d for d in community if "alice" in d or "Entra" in d or "ACUTE" in d]
    assert not [d for d in acute if "colin" in d or "CIS2" in d or "COMMUNITY feed" in d]


def test_the_csv_holds_the_same_trail_oldest_first(client: TestClient) -> None:
    newest_first = descriptions(client, COMMUNITY_TRAIL, "community.admin")
    answer = client.get(f"{COMMUNITY_TRAIL}.csv", headers=bearer(client, "community.admin"))

    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row["description"] for row in rows] == newest_first[::-1]


def test_another_trust_s_administrator_and_a_provider_s_quality_lead_are_refused(client: TestClient) -> None:
    for username in ("acute.admin", "community.quality"):
        for path in (COMMUNITY_TRAIL, f"{COMMUNITY_TRAIL}.csv"):
            answer = client.get(path, headers=bearer(client, username))
            assert answer.status_code == 404, (username, path, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
