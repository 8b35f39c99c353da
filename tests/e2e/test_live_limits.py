"""One user cannot starve the others through the live fan-out: replays, subscriptions and messages per socket are
capped, and so are sockets per account."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api.live.client import LiveClient
from api.storage.settings import Settings
from domain.milestones import Quarter
from tests.builders import ACUTE, COMMUNITY_ID
from tests.e2e.serving import run
from tests.e2e.test_live import World, both_send_paths, next_of, ping, send_path, world_on

CAPS = {  # smaller than the defaults, so that a test reaches them quickly
    "live_sockets_per_account": 5,
    "live_max_topics": 3,
    "live_replay_budget": 500,
    "live_subscribes_per_window": 100,
    "live_max_message_bytes": 1024,
}


@pytest.fixture
def world(settings: Settings, request: pytest.FixtureRequest) -> Iterator[World]:
    yield from world_on(settings.model_copy(update=CAPS), send_path(request))


def nudged(world: World, times: int) -> int:
    """The lead nudges a neighbour `times` times; the last position."""
    corral = world.server.app.state.corral
    for number in range(times):
        recorded = corral.nudge_provider(ACUTE, world.scheme_id, Quarter.Q1, COMMUNITY_ID, f"Reminder {number}.")
    return int(recorded.position)


async def pong(live: LiveClient) -> dict[str, Any]:
    await ping(live)
    return await next_of(live, "pong")


def test_three_hundred_subscriptions_from_the_start_on_one_socket_replay_no_more_than_its_budget(world: World) -> None:
    last = nudged(world, 60)  # some 65 changes on the programme's audit trail: 19,500 replayed, uncapped
    topic = f"audit:{world.programme_id}"

    async def scenario() -> list[dict[str, Any]]:
        async with world.live("gill") as gill:
            assert gill.connection is not None
            while (await pong(gill))["position"] < last:  # the server has sent out the nudges: each replay has them
                await asyncio.sleep(0.05)
            for _ in range(300):
                await gill.connection.send(json.dumps({"type": "subscribe", "topic": topic, "after": 0}))
            await ping(gill)
            heard = []
            while (message := json.loads(await asyncio.wait_for(gill.connection.recv(), 30)))["type"] != "pong":
                heard.append(message)
            return heard

    heard = run(scenario())

    kinds = [m["type"] for m in heard]
    assert kinds.count("update") <= CAPS["live_replay_budget"]
    assert kinds.count("subscribed") <= CAPS["live_subscribes_per_window"]
    assert kinds.count("subscribed") + kinds.count("refused") == 300
    assert kinds.count("resync") > 0  # the rest were told to read the page again, not replayed


def test_an_account_holds_at_most_so_many_sockets_on_one_server_and_one_more_is_refused_at_the_handshake(
    world: World,
) -> None:
    most = CAPS["live_sockets_per_account"]

    async def scenario() -> tuple[int, str]:
        sockets = [world.live("gill") for _ in range(most)]
        for live in sockets:
            await live.connect()
        with pytest.raises(InvalidStatus) as refused:
            await world.live("gill").connect()
        async with world.live("colin"):  # another account is not held back
            pass
        await sockets[0].close()
        for _ in range(50):  # the server lets the closed one go, and the account may open another
            try:
                async with world.live("gill"):
                    break
            except InvalidStatus:
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("a socket closed never made room for another")
        for live in sockets[1:]:
            await live.close()
        return refused.value.response.status_code, refused.value.response.body.decode()

    status, body = run(scenario())

    assert status == 429 and f"{most} live connections" in body


def test_a_socket_follows_at_most_so_many_topics(world: World) -> None:
    topics = [f"progress:{world.programme_id}", f"audit:{world.programme_id}"]
    topics += [f"board:{world.scheme_id}:{quarter}" for quarter in ("Q1", "Q2")]

    async def scenario() -> list[str]:
        async with world.live("gill") as gill:
            answers = []
            for topic in topics:
                await gill.subscribe(topic)
                answers.append((await gill.receive(10))["type"])
            await gill.subscribe(topics[0])  # one already followed may be subscribed again
            answers.append((await gill.receive(10))["type"])
            return answers

    assert run(scenario()) == ["subscribed", "subscribed", "subscribed", "refused", "subscribed"]


@both_send_paths()
def test_a_message_bigger_than_a_few_kib_closes_the_socket(world: World) -> None:
    async def scenario() -> ConnectionClosed:
        async with world.live("gill") as gill:
            topic = "progress:" + "x" * (CAPS["live_max_message_bytes"] + 1)
            await gill.connection.send(json.dumps({"type": "subscribe", "topic": topic}))
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await gill.receive(10)
            return closed.value

    closed = run(scenario())

    assert closed.rcvd is not None and closed.rcvd.code == 1009
