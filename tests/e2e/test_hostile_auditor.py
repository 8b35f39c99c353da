"""An auditor, tried as a hostile one: granted one of its commissioner's programmes (A) and not the other (B), it tries
B by every route - reads, exports, the audit trail, pages and live topics - and meets exactly what a made-up id
meets. Then its grant of A is withdrawn, and a socket following A is told at once and hears nothing more of A."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import httpx
import pytest

from api.live.client import LiveClient
from api.storage.settings import Settings
from domain.actors import Role
from tests.builders import ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import run
from tests.e2e.test_live import PASSWORD, World, next_of, world_on
from tests.e2e.test_live_access import heard_up_to
from tests.integration.given import provider_terms

AUDITOR, ADMIN = "audra", "ccg.admin"
PLACEHOLDER = "<id>"
# B's reads, each path naming B's ids by these names; exports in both forms, and the pages an auditor reads.
READS = [
    "/api/v1/programmes/{programme}/progress",
    "/api/v1/programmes/{programme}/payments",
    *(
        f"/api/v1/programmes/{{programme}}/{what}.{form}"
        for what in ("progress", "payments")
        for form in ("csv", "xlsx")
    ),
    *(f"/api/v1/programmes/{{programme}}/providers/{{provider}}/quarters.{form}" for form in ("csv", "xlsx")),
    "/api/v1/programmes/{programme}/audit",
    "/api/v1/programmes/{programme}/audit.csv",
    "/api/v1/schemes/{scheme}",
    "/api/v1/schemes/{scheme}/quarters/Q1/board",
    "/api/v1/schemes/{scheme}/quarters/Q1/review",
    "/api/v1/schemes/{scheme}/quarters/Q1/assessments/{provider}/M1/history",
    "/api/v1/submissions/{submission}",
    "/programmes/{programme}",
    "/programmes/{programme}/payments",
    "/programmes/{programme}/audit",
    "/schemes/{scheme}/agreement",
    "/schemes/{scheme}/quarters/Q1/board",
    "/schemes/{scheme}/quarters/Q1/review",
    "/submissions/{submission}",
]
TOPICS = ["progress:{programme}", "audit:{programme}", "board:{scheme}:Q1", "dashboard:{provider}"]


class Hostile:
    """The live world (programme B, its scheme and colin's evidence), programme A, and the auditor granted only A."""

    def __init__(self, world: World, programme_a: str, submission: str) -> None:
        self.world, self.programme_a = world, programme_a
        self.b = {
            "programme": str(world.programme_id),
            "scheme": str(world.scheme_id),
            "provider": str(COMMUNITY_ID),
            "submission": submission,
        }

    def made_up(self) -> dict[str, str]:
        return {name: str(uuid4()) for name in self.b}

    def headers(self, user: str = AUDITOR) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.world.tokens[user]}", "Accept": "text/html, application/json"}

    def get(self, path: str, ids: dict[str, str]) -> tuple[int, str]:
        """The status and body of a read of `path` naming `ids`, every id of B or made up put as a placeholder."""
        answer = httpx.get(f"{self.world.server.http}{path.format(**ids)}", headers=self.headers())
        body = answer.text
        for value in (*self.b.values(), *ids.values()):
            body = body.replace(value, PLACEHOLDER)
        return answer.status_code, body


@pytest.fixture
def hostile(settings: Settings) -> Iterator[Hostile]:
    for world in world_on(settings):
        corral = world.server.app.state.corral
        programme_a = corral.set_up_programme(COMMISSIONER, "Torbay", 2015).id
        corral.join_programme(COMMISSIONER, programme_a, provider_terms(COMMUNITY_ID))
        for username, role in ((AUDITOR, Role.AUDITOR), (ADMIN, Role.ADMINISTRATOR)):
            corral.register_user(OPERATOR, username, COMMISSIONER_ID, role, quick_hash(PASSWORD))
            signed_in = httpx.post(
                f"{world.server.http}/api/v1/auth/token", data={"username": username, "password": PASSWORD}
            )
            world.tokens[username] = signed_in.json()["access_token"]
        corral.grant_programme(OPERATOR, AUDITOR, programme_a)
        submitted = run(world.submit("colin"))
        head = corral.recorder.max_notification_id()
        hostile = Hostile(world, str(programme_a), submitted["id"])
        httpx.get(f"{world.server.http}/api/v1/programmes", params={"after": head}, headers=hostile.headers())
        yield hostile


def test_every_read_of_the_programme_not_granted_answers_as_a_made_up_id_does(hostile: Hostile) -> None:
    granted = hostile.get("/api/v1/programmes/{programme}/progress", {"programme": hostile.programme_a})
    differing = []
    for path in READS:
        real, made_up = hostile.get(path, hostile.b), hostile.get(path, hostile.made_up())
        if real[0] != 404 or real != made_up:
            differing.append(f"{path}: {real[0]} {real[1][:200]!r} where made-up ids give {made_up[0]}")

    assert granted[0] == 200
    assert differing == []


def test_every_live_topic_of_the_programme_not_granted_is_refused_as_a_made_up_one_is(hostile: Hostile) -> None:
    async def refusals(ids: dict[str, str]) -> list[str]:
        heard = []
        async with LiveClient(hostile.world.server.live, token=hostile.world.tokens[AUDITOR]) as live:
            for topic in TOPICS:
                await live.subscribe(topic.format(**ids))
                heard.append((await next_of(live, "refused"))["reason"])
        return heard

    real, made_up = run(refusals(hostile.b)), run(refusals(hostile.made_up()))

    assert real == made_up and len(set(real)) == len(TOPICS)


def test_a_socket_following_the_granted_programme_is_told_at_once_when_the_grant_is_withdrawn(
    hostile: Hostile,
) -> None:
    corral = hostile.world.server.app.state.corral
    topics = [f"progress:{hostile.programme_a}", f"audit:{hostile.programme_a}"]

    async def scenario() -> tuple[int, list[dict[str, Any]]]:
        async with LiveClient(hostile.world.server.live, token=hostile.world.tokens[AUDITOR]) as live:
            for topic in topics:
                await live.subscribe(topic)
                assert (await next_of(live, "subscribed"))["topic"] == topic
            async with httpx.AsyncClient(base_url=hostile.world.server.http) as http:
                withdrawn = await http.post(
                    f"/api/v1/users/{AUDITOR}/grants/{hostile.programme_a}/withdrawal",
                    json={"reason": "The audit of 2015/16 is finished."},
                    headers=hostile.headers(ADMIN),
                )
            assert withdrawn.status_code == 200, withdrawn.text
            joined = await asyncio.to_thread(
                corral.join_programme, COMMISSIONER, hostile.programme_a, provider_terms(ACUTE_ID)
            )
            return withdrawn.json()["position"], await heard_up_to(live, joined.position)

    withdrawn_at, heard = run(scenario())
    read_after = hostile.get("/api/v1/programmes/{programme}/progress", {"programme": hostile.programme_a})
    read_made_up = hostile.get("/api/v1/programmes/{programme}/progress", {"programme": str(uuid4())})

    assert sorted(m["topic"] for m in heard if m["type"] == "revoked") == sorted(topics)
    assert all("is yours to see" in m["reason"] for m in heard if m["type"] == "revoked")
    assert [m for m in heard if m["type"] == "update" and m["position"] >= withdrawn_at] == []
    assert read_after[0] == 404 and read_after == read_made_up
