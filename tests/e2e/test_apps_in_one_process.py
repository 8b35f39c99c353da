"""Apps in one process share their routes (built once), never their state: each answers from its own store and trusts
only the tokens signed with its own key."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app, routes
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Actor, Role
from tests.builders import ACUTE_ID, COMMUNITY_ID, quick_hash
from tests.integration.given import organisations_registered

PASSWORD = "a long enough password"


def store(folder: Path, key: str, username: str, organisation_id: UUID) -> Settings:
    """A store of its own, signing with `key`, with the organisations and one provider user."""
    folder.mkdir()
    settings = Settings(database_url=f"sqlite:///{folder / 'corral.sqlite3'}", secret_key=SecretStr(key * 48))
    corral = build_application(settings)
    try:
        organisations_registered(corral)
        administrator = Actor("admin", organisation_id, Role.ADMINISTRATOR)
        corral.register_user(administrator, username, organisation_id, Role.PROVIDER, quick_hash(PASSWORD))
    finally:
        corral.close()
    return settings


def token(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_two_apps_in_one_process_share_their_routes_and_keep_their_own_stores_and_keys(tmp_path: Path) -> None:
    acute = create_app(store(tmp_path / "acute", "a", "alice", ACUTE_ID))
    community = create_app(store(tmp_path / "community", "c", "colin", COMMUNITY_ID))

    with TestClient(acute) as at_acute, TestClient(community) as at_community:
        alice, colin = token(at_acute, "alice"), token(at_community, "colin")
        alice_at_home = at_acute.get("/api/v1/me", headers=alice)
        colin_at_home = at_community.get("/api/v1/me", headers=colin)
        alice_elsewhere = at_community.get("/api/v1/me", headers=alice)
        colin_elsewhere = at_acute.get("/api/v1/me", headers=colin)
        nobody_called_colin = at_acute.post("/api/v1/auth/token", data={"username": "colin", "password": PASSWORD})

    shared = routes()
    assert all(route in acute.routes and route in community.routes for route in shared)
    assert alice_at_home.status_code == 200 and alice_at_home.json()["username"] == "alice"
    assert colin_at_home.status_code == 200 and colin_at_home.json()["username"] == "colin"
    assert alice_elsewhere.status_code == colin_elsewhere.status_code == 401
    assert nobody_called_colin.status_code == 401
