"""Your inbox over HTTP: your organisation's notices only, newest first, read one by one or all, and your email."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import ACUTE_ID, COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import agreed_scheme

PASSWORD = "a long enough password"


@dataclass
class Caller:
    """A signed-in user of the test server."""

    client: TestClient
    headers: dict[str, str]

    def get(self, path: str, **params: object) -> tuple[int, Any]:
        answer = self.client.get(f"/api/v1{path}", params=params, headers=self.headers)
        return answer.status_code, answer.json()

    def post(self, path: str, body: dict[str, object]) -> tuple[int, Any]:
        answer = self.client.post(f"/api/v1{path}", json=body, headers=self.headers)
        return answer.status_code, answer.json()


@dataclass
class World:
    client: TestClient
    scheme_id: str

    def signed_in(self, username: str) -> Caller:
        form = {"username": username, "password": PASSWORD}
        token = self.client.post("/api/v1/auth/token", data=form).json()["access_token"]
        return Caller(self.client, {"Authorization": f"Bearer {token}"})


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    signed = settings.model_copy(update={"secret_key": SecretStr("n" * 48), "embedded_projector": True})
    app = build_application(signed)
    agreed = agreed_scheme(app)
    for username, organisation_id, role in (
        ("alice", ACUTE_ID, Role.PROVIDER),
        ("colin", COMMUNITY_ID, Role.PROVIDER),
        ("gill", COMMISSIONER_ID, Role.COMMISSIONER),
    ):
        app.register_user(OPERATOR, username, organisation_id, role, quick_hash(PASSWORD))
    app.close()
    with client_of(signed) as client:
        yield World(client, str(agreed.scheme_id))


def nudged(world: World, lead: Caller, message: str) -> int:
    """The lead nudges the community trust; the log position of the nudge."""
    code, body = lead.post(
        f"/schemes/{world.scheme_id}/quarters/Q1/nudges", {"provider_id": str(COMMUNITY_ID), "message": message}
    )
    assert code == 200, body
    position: int = body["position"]
    return position


def test_a_nudge_is_in_the_nudged_providers_inbox_newest_first_and_in_no_one_elses(world: World) -> None:
    alice, colin, gill = (world.signed_in(name) for name in ("alice", "colin", "gill"))
    nudged(world, alice, "First reminder")
    after = nudged(world, alice, "Second reminder")

    code, inbox = colin.get("/me/notifications", after=after)

    assert code == 200 and inbox["unread"] == 2
    notices = inbox["notices"]
    assert [n["kind"] for n in notices] == ["nudge", "nudge"]
    assert "Second reminder" in notices[0]["text"] and "First reminder" in notices[1]["text"]
    assert all(n["unread"] and n["link"] == "/home" for n in notices)
    assert [who.get("/me/notifications", after=after)[1]["notices"] for who in (alice, gill)] == [[], []]


def test_another_organisations_notice_reads_like_one_that_does_not_exist(world: World) -> None:
    alice, colin = world.signed_in("alice"), world.signed_in("colin")
    after = nudged(world, alice, "M1 is due")
    colins = colin.get("/me/notifications", after=after)[1]["notices"]
    theirs, made_up = colins[0]["id"], "999999.0"

    refused = [alice.post("/me/notifications/read", {"ids": [notice]}) for notice in (theirs, made_up)]

    assert [code for code, _ in refused] == [404, 404]
    assert refused[0][1]["detail"] == f"There is no notice {theirs} in your inbox"
    assert refused[1][1]["detail"] == f"There is no notice {made_up} in your inbox"
    assert colin.get("/me/notifications")[1]["unread"] == 1


def test_reading_one_then_all_brings_the_unread_count_to_nothing(world: World) -> None:
    alice, colin = world.signed_in("alice"), world.signed_in("colin")
    nudged(world, alice, "First reminder")
    after = nudged(world, alice, "Second reminder")
    notices = colin.get("/me/notifications", after=after)[1]["notices"]

    code, one = colin.post("/me/notifications/read", {"ids": [notices[1]["id"]]})
    assert code == 200
    unread = colin.get("/me/notifications", unread="true", after=one["position"])[1]
    code, every = colin.post("/me/notifications/read", {"all": True})
    assert code == 200

    assert unread["unread"] == 1 and [n["id"] for n in unread["notices"]] == [notices[0]["id"]]
    assert colin.get("/me/notifications", after=every["position"])[1]["unread"] == 0


def test_bad_input_is_a_422_naming_the_field_and_records_nothing(world: World) -> None:
    colin = world.signed_in("colin")

    answers = [
        colin.post("/me/notifications/read", {"ids": ["not-an-id"]}),
        colin.post("/me/notifications/read", {}),
        colin.post("/me/email", {"choice": "weekly"}),
        colin.get("/me/notifications", limit=0),
    ]

    assert [code for code, _ in answers] == [422, 422, 422, 422]
    assert answers[0][1]["errors"] == [{"field": "ids.0", "message": "is not a notice's id, such as 1234.0"}]
    assert answers[1][1]["errors"][0]["field"] == "ids"
    assert "choice" in str(answers[2][1]) and "limit" in str(answers[3][1])


def test_a_user_chooses_a_daily_digest(world: World) -> None:
    colin = world.signed_in("colin")

    code, recorded = colin.post("/me/email", {"choice": "daily"})

    assert code == 200 and recorded["version"] == 2


def test_the_nudged_providers_dashboard_shows_the_open_nudge_until_its_evidence_is_in(world: World) -> None:
    alice, colin = world.signed_in("alice"), world.signed_in("colin")
    after = nudged(world, alice, "M1 is due on 31 July")

    (programme,) = colin.get(f"/providers/{COMMUNITY_ID}/dashboard", after=after)[1]
    code, sent = colin.post(f"/schemes/{world.scheme_id}/milestones/M1/submissions", {"narrative": "Audit done."})
    assert code == 201
    accepted = alice.post(f"/submissions/{sent['id']}/acceptance", {"comments": ""})[1]
    (answered,) = colin.get(f"/providers/{COMMUNITY_ID}/dashboard", after=accepted["position"])[1]

    (nudge,) = programme["nudges"]
    assert (nudge["lead"], nudge["nudged_by"], nudge["message"]) == (
        "Torbay Acute Trust",
        "alice",
        "M1 is due on 31 July",
    )
    assert (nudge["quarter"], nudge["missing"], nudge["scheme_id"]) == ("Q1", ["M1"], world.scheme_id)
    assert answered["nudges"] == []
