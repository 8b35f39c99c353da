"""Opening many sockets at once costs the server no thread per socket, and what it remembers of their tokens never
outlives a sign-out, a disabled account or another organisation's access."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from api.live.client import LiveClient
from api.storage.settings import Settings
from domain.actors import Role
from tests.builders import ACUTE_ID, OPERATOR, quick_hash
from tests.e2e.serving import run
from tests.e2e.test_live import PASSWORD, World, next_of, world_on
from tests.e2e.test_live_access import ACUTE_ADMIN, closed_after

SOCKETS = 200
MORE_THREADS = 6  # the most a burst of sockets may add to the server's threads, however many sockets it is


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    yield from world_on(settings.model_copy(update={"live_sockets_per_account": SOCKETS + 10}))


async def following(world: World, user: str, topic: str, count: int) -> list[LiveClient]:
    """`count` sockets of the user, opened all at once, each following the topic."""

    async def one() -> LiveClient:
        live = world.live(user)
        await live.connect()
        await live.subscribe(topic)
        await next_of(live, "subscribed")
        return live

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def close_codes(sockets: list[LiveClient]) -> list[int | None]:
    """The code each socket is closed with by the server, in turn."""
    codes = []
    for live in sockets:
        _, closed = await closed_after(live)
        codes.append(closed.rcvd.code if closed.rcvd is not None else None)
    return codes


async def refused_at_handshake(world: World, user: str) -> int:
    with pytest.raises(InvalidStatus) as refused:
        await world.live(user).connect()
    return refused.value.response.status_code


def test_two_hundred_sockets_opened_at_once_add_no_thread_per_socket(world: World) -> None:
    topic = f"audit:{world.programme_id}"

    async def scenario() -> tuple[int, int, int]:
        for live in await following(world, "gill", topic, 1):  # the server's first socket starts what it needs
            await live.close()
        before = threading.active_count()
        sockets = await following(world, "gill", topic, SOCKETS)
        during = threading.active_count()
        for live in sockets:
            await live.close()
        return before, during, len(sockets)

    before, during, opened = run(scenario())

    assert opened == SOCKETS
    assert during - before <= MORE_THREADS, f"{during - before} threads more for {SOCKETS} sockets"


def test_a_signed_out_token_is_refused_at_once_though_many_sockets_were_just_opened_with_it(world: World) -> None:
    async def scenario() -> tuple[list[int | None], int]:
        sockets = await following(world, "gill", f"audit:{world.programme_id}", 20)
        async with httpx.AsyncClient(base_url=world.server.http) as http:
            headers = {"Authorization": f"Bearer {world.tokens['gill']}"}
            assert (await http.post("/api/v1/auth/logout", headers=headers)).status_code == 204
        return await close_codes(sockets), await refused_at_handshake(world, "gill")

    codes, handshake = run(scenario())

    assert codes == [1008] * 20
    assert handshake == 401


def test_a_disabled_account_is_closed_then_refused_though_many_sockets_were_just_opened_with_its_token(
    world: World,
) -> None:
    corral = world.server.app.state.corral

    async def scenario() -> tuple[list[int | None], int]:
        sockets = await following(world, "alice", f"dashboard:{ACUTE_ID}", 20)
        await asyncio.to_thread(corral.disable_user, ACUTE_ADMIN, "alice", "Left the trust in March.")
        return await close_codes(sockets), await refused_at_handshake(world, "alice")

    codes, handshake = run(scenario())

    assert codes == [1008] * 20
    assert handshake == 401


def test_a_dashboard_one_organisation_follows_is_still_refused_to_another(world: World) -> None:
    async def scenario() -> str:
        sockets = await following(world, "alice", f"dashboard:{ACUTE_ID}", 5)
        async with world.live("colin") as colin:
            await colin.subscribe(f"dashboard:{ACUTE_ID}")
            reason = (await next_of(colin, "refused"))["reason"]
        for live in sockets:
            await live.close()
        return str(reason)

    assert run(scenario()) == "no dashboard of that provider is yours to see"


def test_an_inbox_its_user_follows_is_still_refused_to_a_colleague_of_the_same_organisation_and_role(
    world: World,
) -> None:
    corral = world.server.app.state.corral
    corral.register_user(OPERATOR, "adam", ACUTE_ID, Role.PROVIDER, quick_hash(PASSWORD))
    answer = httpx.post(f"{world.server.http}/api/v1/auth/token", data={"username": "adam", "password": PASSWORD})
    world.tokens["adam"] = answer.json()["access_token"]

    async def scenario() -> str:
        sockets = await following(world, "alice", "inbox:alice", 5)
        async with world.live("adam") as adam:
            await adam.subscribe("inbox:alice")
            reason = (await next_of(adam, "refused"))["reason"]
        for live in sockets:
            await live.close()
        return str(reason)

    assert run(scenario()) == "there is no inbox 'alice' for you to follow"
