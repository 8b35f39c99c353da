"""A live inbox: `inbox:<username>` hears each notice for the user's organisation and the user's own reading, once
committed, replays what a reconnecting client missed, and is no one else's to follow."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.storage.settings import Settings
from tests.builders import COMMUNITY_ID
from tests.e2e.serving import run
from tests.e2e.test_live import World, next_of, send_path, world_on
from tests.e2e.test_live_access import heard_up_to


@pytest.fixture
def world(settings: Settings, request: pytest.FixtureRequest) -> Iterator[World]:
    yield from world_on(settings, send_path(request))


async def following_inbox(world: World, user: str) -> Any:
    live = world.live(user)
    await live.connect()
    await live.subscribe(f"inbox:{user}")
    await next_of(live, "subscribed")
    return live


def test_the_nudged_providers_inbox_hears_the_nudge_and_the_leads_does_not(world: World) -> None:
    async def scenario() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], int]:
        colin, alice = await following_inbox(world, "colin"), await following_inbox(world, "alice")
        try:
            nudged = await world.nudge(COMMUNITY_ID, "M1 is due on Friday.")
            heard = await next_of(colin)
            read = await world.post("colin", "/me/notifications/read", {"all": True})
            reading = await next_of(colin)
            return heard, reading, await heard_up_to(alice, read["position"]), nudged["position"]
        finally:
            await colin.close()
            await alice.close()

    heard, reading, alices, nudged_at = run(scenario())

    assert (heard["topic"], heard["position"], heard["change"]) == ("inbox:colin", nudged_at, {})
    assert reading["type"] == "update" and reading["position"] > nudged_at
    assert [m for m in alices if m["type"] == "update"] == []


def test_a_reconnecting_inbox_hears_the_notices_it_missed(world: World) -> None:
    async def scenario() -> tuple[list[int], list[int]]:
        colin = await following_inbox(world, "colin")
        first = await world.nudge(COMMUNITY_ID, "First reminder.")
        seen = await next_of(colin)
        await colin.close()
        missed = [await world.nudge(COMMUNITY_ID, "Second reminder."), await world.submit("alice")]
        await colin.connect()  # resubscribes after the last position it saw
        heard = await next_of(colin)
        await colin.close()
        return [first["position"], seen["position"]], [missed[0]["position"], heard["position"]]

    first, again = run(scenario())

    assert first[0] == first[1]
    assert again[0] == again[1]  # the nudge it missed; alice's own evidence tells colin's inbox nothing


def test_another_users_inbox_is_refused_in_the_words_of_one_that_does_not_exist(world: World) -> None:
    async def scenario() -> list[str]:
        live = world.live("colin")
        await live.connect()
        reasons = []
        for topic in ("inbox:alice", "inbox:nobody-at-all"):
            await live.subscribe(topic)
            reasons.append((await next_of(live, "refused"))["reason"])
        await live.close()
        return reasons

    alice, nobody = run(scenario())

    assert alice == "there is no inbox 'alice' for you to follow"
    assert nobody == "there is no inbox 'nobody-at-all' for you to follow"
