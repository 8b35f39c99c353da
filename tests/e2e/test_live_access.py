"""A live socket loses what its user loses, at once: signed out, disabled, a new password, no longer the lead, or
left out of a scheme by a variation, it hears nothing more that HTTP would now refuse it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api.live.client import LiveClient
from api.http.security import hash_password
from api.storage.settings import Settings
from domain.actors import Actor, Role
from domain.milestones import Quarter
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY_ID, narrative_milestone, terms
from tests.e2e.serving import run
from tests.e2e.test_live import World, both_send_paths, delivered_to, next_of, ping, send_path, world_on
from tests.integration.given import signed_by_everyone

ACUTE_ADMIN = Actor("acute.admin", ACUTE_ID, Role.ADMINISTRATOR)
PRIVATE_REASON = "Dr Patel's caseload figures were double counted; corrected from the ward's own register."


@pytest.fixture
def world(settings: Settings, request: pytest.FixtureRequest) -> Iterator[World]:
    yield from world_on(settings, send_path(request))


async def closed_after(live: LiveClient, timeout: float = 5.0) -> tuple[list[dict[str, Any]], ConnectionClosed]:
    """Every message the socket gets until the server closes it; TimeoutError if it stays open."""
    heard = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                heard.append(await live.receive())
    except ConnectionClosed as closed:
        return heard, closed


async def heard_up_to(live: LiveClient, position: int) -> list[dict[str, Any]]:
    """Every message the socket gets until the server has sent it everything up to `position` (its pong says so)."""
    heard: list[dict[str, Any]] = []
    while True:
        await ping(live)
        while (message := await live.receive(10))["type"] != "pong":
            heard.append(message)
        if message["position"] >= position:
            return heard
        await asyncio.sleep(0.05)


async def revise(world: World, user: str, submission_id: str, reason: str = PRIVATE_REASON) -> dict[str, Any]:
    body = {"narrative": "Corrected audit of safety plans.", "attachments": [], "reason": reason}
    return await world.post(user, f"/submissions/{submission_id}/revisions", body)


async def lead_watching_colins_evidence(world: World, alice: LiveClient) -> dict[str, Any]:
    """Alice, the lead, follows the scheme's Q1 board and hears colin's evidence arrive."""
    await alice.subscribe(f"board:{world.scheme_id}:Q1")
    await next_of(alice, "subscribed")
    submitted = await world.submit("colin")
    while (await next_of(alice))["position"] < submitted["position"]:
        pass
    return submitted


@both_send_paths()
def test_a_socket_opened_before_signing_out_is_closed_at_once_and_hears_nothing_after(world: World) -> None:
    async def scenario() -> tuple[list[dict[str, Any]], ConnectionClosed]:
        async with world.live("alice") as alice:
            submitted = await lead_watching_colins_evidence(world, alice)

            async with httpx.AsyncClient(base_url=world.server.http) as http:
                headers = {"Authorization": f"Bearer {world.tokens['alice']}"}
                assert (await http.post("/api/v1/auth/logout", headers=headers)).status_code == 204
            await revise(world, "colin", submitted["id"])

            return await closed_after(alice)

    heard, closed = run(scenario())

    assert closed.rcvd is not None and closed.rcvd.code == 1008 and "signed out" in closed.rcvd.reason
    assert [m for m in heard if m["type"] == "update"] == []


def test_a_socket_opened_before_the_account_is_disabled_is_closed_at_once(world: World) -> None:
    corral = world.server.app.state.corral

    async def scenario() -> tuple[list[dict[str, Any]], ConnectionClosed]:
        async with world.live("alice") as alice:
            submitted = await lead_watching_colins_evidence(world, alice)

            await asyncio.to_thread(corral.disable_user, ACUTE_ADMIN, "alice", "Left the trust in March.")
            await revise(world, "colin", submitted["id"])

            return await closed_after(alice)

    heard, closed = run(scenario())

    assert closed.rcvd is not None and closed.rcvd.code == 1008
    assert [m for m in heard if m["type"] == "update"] == []


def test_a_socket_opened_before_a_password_change_is_closed_at_once(world: World) -> None:
    corral = world.server.app.state.corral

    async def scenario() -> tuple[int, list[dict[str, Any]], ConnectionClosed]:
        async with world.live("alice") as alice:
            submitted = await lead_watching_colins_evidence(world, alice)

            new_password = hash_password("a new and long enough password")
            await asyncio.to_thread(corral.change_password, ACUTE, "alice", new_password)
            await revise(world, "colin", submitted["id"])
            async with httpx.AsyncClient(base_url=world.server.http) as http:
                headers = {"Authorization": f"Bearer {world.tokens['alice']}"}
                over_http = (await http.get("/api/v1/me", headers=headers)).status_code

            return over_http, *await closed_after(alice)

    over_http, heard, closed = run(scenario())

    assert over_http == 401
    assert closed.rcvd is not None and closed.rcvd.code == 1008
    assert [m for m in heard if m["type"] == "update"] == []


@both_send_paths()
def test_the_previous_lead_stops_hearing_the_board_once_the_lead_moves_and_never_hears_a_later_reason(
    world: World,
) -> None:
    corral = world.server.app.state.corral

    async def scenario() -> tuple[int, list[dict[str, Any]]]:
        async with world.live("alice") as alice:
            submitted = await lead_watching_colins_evidence(world, alice)

            moved = await asyncio.to_thread(
                corral.designate_lead, COMMISSIONER, world.scheme_id, COMMUNITY_ID, "Community leads from Q2."
            )
            revised = await revise(world, "colin", submitted["id"])

            return moved.position, await heard_up_to(alice, revised["position"])

    moved_at, heard = run(scenario())

    revoked = [m for m in heard if m["type"] == "revoked"]
    assert (
        len(revoked) == 1
        and revoked[0]["topic"] == f"board:{world.scheme_id}:Q1"
        and "is yours to see" in revoked[0]["reason"]
    )
    assert [m for m in heard if m["type"] == "update" and m["position"] >= moved_at] == []
    assert PRIVATE_REASON not in str(heard)


def test_a_provider_left_out_of_a_scheme_by_an_agreed_variation_stops_hearing_its_progress(world: World) -> None:
    corral = world.server.app.state.corral
    milestones = (narrative_milestone("M1"), narrative_milestone("M2", Quarter.Q2))

    def vary_without_community() -> int:
        without = terms(*milestones, participants=(ACUTE_ID,))
        corral.propose_variation(COMMISSIONER, world.scheme_id, without, "Community's service moved to the ICB.")
        signed_by_everyone(corral, world.scheme_id)
        return int(corral.recorder.max_notification_id())

    async def scenario() -> tuple[int, list[dict[str, Any]]]:
        async with world.live("colin") as colin:
            for topic in (f"progress:{world.programme_id}", f"dashboard:{COMMUNITY_ID}"):
                await colin.subscribe(topic)
                await next_of(colin, "subscribed")
            submitted = await world.submit("colin")  # both topics hear of the scheme while colin takes part
            before = await heard_up_to(colin, submitted["position"])
            assert {m["topic"] for m in before if m["type"] == "update"} == {
                f"progress:{world.programme_id}",
                f"dashboard:{COMMUNITY_ID}",
            }

            agreed_at = await asyncio.to_thread(vary_without_community)
            alices = await world.submit("alice")

            return agreed_at, await heard_up_to(colin, alices["position"])

    agreed_at, heard = run(scenario())

    of_the_scheme = [m for m in heard if m["type"] == "update" and m["change"]["scheme_id"] == str(world.scheme_id)]
    assert [m for m in of_the_scheme if m["position"] >= agreed_at] == []


@both_send_paths()
def test_an_account_disabled_while_none_of_its_sockets_was_open_cannot_open_one_again(world: World) -> None:
    corral, hub = world.server.app.state.corral, world.server.app.state.hub

    async def scenario() -> int:
        async with world.live("alice") as alice:  # her token's actor is remembered by the server now
            await lead_watching_colins_evidence(world, alice)
        disabled = await asyncio.to_thread(corral.disable_user, ACUTE_ADMIN, "alice", "Left the trust in March.")
        await delivered_to(hub, disabled.position)  # moved on while no socket was open
        with pytest.raises(InvalidStatus) as refused:
            await world.live("alice").connect()
        return refused.value.response.status_code

    assert run(scenario()) == 401
