"""Live updates over a real websocket: each user hears what they may read, in order, once, and resumes after a drop."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import httpx
import psycopg2
import pytest
from pydantic import SecretStr
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api.live.client import LiveClient
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from domain.milestones import Quarter
from projections.follower import Follower
from tests.conftest import _postgres_dsn
from tests.builders import (
    ACUTE,
    ACUTE_ID,
    OPERATOR,
    COMMISSIONER_ID,
    COMMUNITY_ID,
    PRIVATE_ID,
    narrative_milestone,
    quick_hash,
)
from bench.servers import Served, served
from tests.e2e.serving import run
from tests.integration.given import Agreed, agreed_scheme

PASSWORD = "a long enough password"
USERS = {
    "alice": (ACUTE_ID, Role.PROVIDER),  # leads the scheme
    "colin": (COMMUNITY_ID, Role.PROVIDER),  # takes part
    "priya": (PRIVATE_ID, Role.PROVIDER),  # in the programme, not the scheme
    "gill": (COMMISSIONER_ID, Role.COMMISSIONER),
}
EVIDENCE = {"narrative": "Safety plans audited for 40 patients.", "attachments": []}


class World:
    """The served demo scheme, and signed-in HTTP sessions for its users."""

    def __init__(self, server: Served, agreed: Agreed, tokens: dict[str, str]) -> None:
        self.server, self.tokens = server, tokens
        self.programme_id, self.scheme_id = agreed.programme_id, agreed.scheme_id

    def live(self, user: str) -> LiveClient:
        return LiveClient(self.server.live, token=self.tokens[user])

    async def post(self, user: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.server.http) as http:
            headers = {"Authorization": f"Bearer {self.tokens[user]}"}
            answer = await http.post(f"/api/v1{path}", json=body, headers=headers)
        assert answer.status_code in (200, 201), answer.text
        result: dict[str, Any] = answer.json()
        return result

    async def submit(self, user: str, milestone: str = "M1") -> dict[str, Any]:
        return await self.post(user, f"/schemes/{self.scheme_id}/milestones/{milestone}/submissions", EVIDENCE)

    async def nudge(self, provider_id: UUID, message: str = "Your evidence is due on Friday.") -> dict[str, Any]:
        body = {"provider_id": str(provider_id), "message": message}
        return await self.post("alice", f"/schemes/{self.scheme_id}/quarters/Q1/nudges", body)


def both_send_paths(world_fixture: str = "world") -> pytest.MarkDecorator:
    """Run a scenario on both ways of writing to a socket: the uvicorn fast path on each database, and the plain
    ASGI `send` on SQLite as well (how a frame is written does not depend on the database)."""
    return pytest.mark.parametrize(
        ("settings", world_fixture),
        [("sqlite", "fast"), pytest.param("postgres", "fast", marks=pytest.mark.postgres), ("sqlite", "asgi")],
        indirect=True,
    )


def send_path(request: pytest.FixtureRequest) -> str:
    """The send path a world fixture was parametrized with (`both_send_paths`); the fast one by default."""
    return str(getattr(request, "param", "fast"))


def world_on(settings: Settings, send: str = "fast") -> Iterator[World]:
    update = {"secret_key": SecretStr("k" * 48), "embedded_projector": True, "live_send": send}
    signed = settings.model_copy(update=update)
    app = build_application(signed)
    agreed = agreed_scheme(app, narrative_milestone("M1"), narrative_milestone("M2", Quarter.Q2))
    password_hash = quick_hash(PASSWORD)
    for username, (organisation_id, role) in USERS.items():
        app.register_user(OPERATOR, username, organisation_id, role, password_hash)
    head = app.recorder.max_notification_id() or 0
    app.close()
    with served(signed) as server:
        # A quiet world: what was set up is projected and handed over before anyone subscribes, so a scenario hears
        # only what it does (a subscriber's position is where the hub has got to, which may be short of the views).
        run(delivered_to(server.app.state.hub, head, timeout=30))
        tokens = {}
        for username in USERS:
            answer = httpx.post(f"{server.http}/api/v1/auth/token", data={"username": username, "password": PASSWORD})
            tokens[username] = answer.json()["access_token"]
        yield World(server, agreed, tokens)


@pytest.fixture
def world(settings: Settings, request: pytest.FixtureRequest) -> Iterator[World]:
    yield from world_on(settings, send_path(request))


async def next_of(live: LiveClient, kind: str = "update", timeout: float = 10.0) -> dict[str, Any]:
    """The next message of a kind, skipping heartbeats and the like."""
    while True:
        message = await live.receive(timeout)
        if message["type"] == kind:
            return message


async def ping(live: LiveClient) -> None:
    """Ask for a `pong`: it carries the position up to which the server has sent every update."""
    assert live.connection is not None
    await live.connection.send(json.dumps({"type": "ping"}))


@both_send_paths()
def test_each_subscriber_hears_of_a_submission_as_far_as_it_may_read_and_a_re_fetch_shows_it(world: World) -> None:
    async def scenario() -> None:
        async with world.live("colin") as colin, world.live("alice") as alice, world.live("gill") as gill:
            for live, topic in (
                (colin, f"progress:{world.programme_id}"),
                (colin, f"dashboard:{COMMUNITY_ID}"),
                (alice, f"board:{world.scheme_id}:Q1"),
                (gill, f"audit:{world.programme_id}"),
            ):
                await live.subscribe(topic)
                assert (await next_of(live, "subscribed"))["topic"] == topic

            submitted = await world.submit("colin")

            by_topic = {m["topic"].split(":")[0]: m for m in [await next_of(colin), await next_of(colin)]}
            progress, dashboard = by_topic["progress"], by_topic["dashboard"]
            board, audit = await next_of(alice), await next_of(gill)
            assert {m["position"] for m in (progress, dashboard, board, audit)} == {submitted["position"]}
            assert {m["change"]["event"] for m in (progress, board, audit)} == {"EvidenceSubmitted"}
            assert "description" not in progress["change"]  # progress is shared, evidence is not
            assert "description" in dashboard["change"] and "description" in board["change"]
            assert audit["change"]["actor"] == "colin"
            async with httpx.AsyncClient(base_url=world.server.http) as http:
                reread = await http.get(
                    f"/api/v1/programmes/{world.programme_id}/progress",
                    headers={"Authorization": f"Bearer {world.tokens['gill']}"},
                )
            assert reread.json()["counts"].get("submitted", 0) >= 1

            await world.submit("alice")  # shared progress for colin, but not colin's own dashboard
            await world.nudge(COMMUNITY_ID)  # colin's own

            assert (await next_of(colin))["change"]["provider_id"] == str(ACUTE_ID)  # progress: alice submitted
            heard = [await next_of(colin) for _ in range(3)]  # progress and dashboard hear the nudge (and opening)
            assert str(ACUTE_ID) not in {m["change"]["provider_id"] for m in heard if m["topic"].startswith("dash")}
            shared = [m for m in heard if m["topic"].startswith("dash") and m["change"]["provider_id"] is None]
            assert shared and all("description" not in m["change"] for m in shared)  # the quarter opened: progress only

    run(scenario())


def test_uvicorn_sockets_are_written_straight_onto_the_connection_as_websockets_broadcast_does(world: World) -> None:
    async def scenario() -> None:
        async with world.live("gill") as gill:
            await gill.subscribe(f"audit:{world.programme_id}")
            await next_of(gill, "subscribed")
            await world.nudge(COMMUNITY_ID)
            assert (await next_of(gill))["topic"] == f"audit:{world.programme_id}"
            clients = world.server.app.state.hub.clients
            assert clients and all(client.write_now is not None for client in clients)  # uvicorn's pin still fits

    run(scenario())


class SendsSeen:
    """ASGI middleware around the whole app, as tracing would be: notes the text of every websocket message sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.texts = app, list[str]()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def seeing(message: Message) -> None:
            if message["type"] == "websocket.send":
                self.texts.append(message["text"])
            await send(message)

        await self.app(scope, receive, seeing)


@pytest.mark.parametrize(("settings", "world"), [("sqlite", "asgi")], indirect=True)
def test_on_the_plain_path_every_update_goes_through_the_asgi_send_and_the_middleware_around_it(world: World) -> None:
    app = world.server.app
    seen = app.middleware_stack = SendsSeen(app.middleware_stack)

    async def scenario() -> dict[str, Any]:
        async with world.live("gill") as gill:
            await gill.subscribe(f"audit:{world.programme_id}")
            await next_of(gill, "subscribed")
            await world.nudge(COMMUNITY_ID)
            update = await next_of(gill)
            clients = app.state.hub.clients
            assert clients and all(client.write_now is None for client in clients)
            return update

    update = run(scenario())

    assert json.dumps(update) in seen.texts


def test_a_provider_outside_the_scheme_hears_nothing_of_it_on_its_programme_progress(world: World) -> None:
    async def scenario() -> None:
        async with world.live("priya") as priya:
            await priya.subscribe(f"progress:{world.programme_id}")
            await next_of(priya, "subscribed")

            await world.submit("colin")

            with pytest.raises(TimeoutError):
                await next_of(priya, timeout=1.0)

    run(scenario())


def test_subscriptions_a_user_may_not_read_are_refused_with_a_reason(world: World) -> None:
    async def scenario() -> dict[str, str]:
        refusals = {}
        async with world.live("colin") as colin:
            for topic in (
                f"audit:{world.programme_id}",
                f"board:{world.scheme_id}:Q1",
                f"dashboard:{ACUTE_ID}",
                f"progress:{UUID(int=7)}",
                "everything",
            ):
                await colin.subscribe(topic)
                refusals[topic] = (await next_of(colin, "refused"))["reason"]
        return refusals

    refusals = run(scenario())

    assert refusals[f"audit:{world.programme_id}"] == "no audit trail of that programme is yours to see"
    assert refusals[f"board:{world.scheme_id}:Q1"] == "no collation board of that scheme is yours to see"
    assert refusals[f"dashboard:{ACUTE_ID}"] == "no dashboard of that provider is yours to see"
    assert refusals["everything"].startswith("There is no topic 'everything': use one of progress:<programme id>")


def test_a_forged_token_and_a_foreign_origin_are_refused_at_the_handshake(world: World) -> None:
    async def handshake(client: LiveClient) -> int:
        with pytest.raises(InvalidStatus) as refused:
            await client.connect()
        return refused.value.response.status_code

    forged = LiveClient(world.server.live, token=world.tokens["colin"][:-2] + "xx")
    foreign = LiveClient(world.server.live, token=world.tokens["colin"], origin="https://evil.example")
    anonymous = LiveClient(world.server.live)

    assert run(handshake(forged)) == 401
    assert run(handshake(foreign)) == 403
    assert run(handshake(anonymous)) == 401


@both_send_paths()
def test_a_client_that_reconnects_hears_what_it_missed_in_order_and_once(world: World) -> None:
    async def scenario() -> None:
        topic = f"board:{world.scheme_id}:Q1"
        async with world.live("alice") as alice:
            await alice.subscribe(topic)
            await next_of(alice, "subscribed")
            first = await world.submit("colin")
            assert (await next_of(alice))["position"] == first["position"]

            await alice.close()
            missed = [await world.nudge(COMMUNITY_ID), await world.submit("alice")]
            await alice.connect()  # resubscribes after the last position it saw

            heard = [await next_of(alice) for _ in range(3)]  # the quarter opened, the nudge, alice's evidence
            await alice.subscribe(topic, after=first["position"])  # the same again: every update a duplicate
            await world.nudge(COMMUNITY_ID, "Last reminder.")
            after_duplicates = await next_of(alice)

        positions = [m["position"] for m in heard]
        assert positions == sorted(positions) and positions[-1] == missed[-1]["position"]
        assert len(set(positions)) == 3
        assert after_duplicates["position"] > missed[-1]["position"]

    run(scenario())


@pytest.fixture
def small_window(settings: Settings, request: pytest.FixtureRequest) -> Iterator[World]:
    yield from world_on(settings.model_copy(update={"live_replay_window": 1}), send_path(request))


@both_send_paths("small_window")
def test_a_client_too_far_behind_is_told_to_resync_instead_of_replayed(small_window: World) -> None:
    world = small_window

    async def scenario() -> dict[str, Any]:
        async with world.live("alice") as alice, world.live("gill") as witness:
            await alice.subscribe(f"board:{world.scheme_id}:Q1")
            await witness.subscribe(f"audit:{world.programme_id}")
            await next_of(alice, "subscribed")
            await alice.close()
            await world.submit("colin")
            last = await world.nudge(COMMUNITY_ID)
            while (await next_of(witness))["position"] < last["position"]:
                pass  # the server has pushed the nudge: alice is now three changes behind
            await alice.connect()
            resync = await next_of(alice, "resync")
            assert resync["position"] >= last["position"]
            return resync

    assert "read the page again" in run(scenario())["reason"]


@pytest.fixture
def small_queues(settings: Settings, request: pytest.FixtureRequest) -> Iterator[World]:
    yield from world_on(settings.model_copy(update={"live_queue_size": 4}), send_path(request))


@both_send_paths("small_queues")
def test_a_consumer_that_stops_reading_is_cut_off_and_the_others_hear_everything(small_queues: World) -> None:
    world = small_queues
    topic = f"audit:{world.programme_id}"
    stalled = stalled_subscriber(world, topic, f"board:{world.scheme_id}:Q1", f"progress:{world.programme_id}")
    nudges = 300
    corral = world.server.app.state.corral

    async def scenario() -> list[int]:
        async with world.live("gill") as gill:
            await gill.subscribe(topic)
            await next_of(gill, "subscribed")
            message = "Please send the audit. " * 170  # within the 4,000 characters a message may hold

            def nudged() -> int:
                return int(corral.nudge_provider(ACUTE, world.scheme_id, Quarter.Q1, COMMUNITY_ID, message).position)

            positions = [await asyncio.to_thread(nudged) for _ in range(nudges)]
            heard = []
            while not heard or heard[-1] < positions[-1]:
                heard.append((await next_of(gill))["position"])
            assert len(world.server.app.state.hub.clients) == 1  # gill alone: the stalled client is gone
            return heard

    heard = run(scenario())

    assert len(heard) == nudges + 1 and heard == sorted(heard)  # the quarter's opening, then every nudge
    assert closing_code(stalled) in (1013, 1006)  # told why if it ever reads again, else dropped


def stalled_subscriber(world: World, *topics: str) -> socket.socket:
    """A websocket client that subscribes and then never reads, with the smallest receive buffer it can ask for."""
    conn = socket.socket()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    conn.connect(("127.0.0.1", world.server.port))
    conn.sendall(
        (
            "GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: Bearer {world.tokens['gill']}\r\n\r\n"
        ).encode()
    )
    assert b" 101 " in conn.recv(1024).split(b"\r\n")[0]
    mask = b"\x01\x02\x03\x04"
    for topic in topics:
        payload = json.dumps({"type": "subscribe", "topic": topic}).encode()
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        conn.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
    return conn


def closing_code(conn: socket.socket) -> int:
    """Drain what the server sent; its close frame's code, or 1006 if it dropped the connection without one."""
    conn.settimeout(10)
    data, position = b"", 0
    while chunk := conn.recv(65536):
        data += chunk
        while len(data) - position >= 4:
            opcode, length, header = data[position] & 0x0F, data[position + 1] & 0x7F, 2
            if length == 126:
                length, header = int.from_bytes(data[position + 2 : position + 4], "big"), 4
            elif length == 127:
                length, header = int.from_bytes(data[position + 2 : position + 10], "big"), 10
            if len(data) - position < header + length:
                break
            if opcode == 0x8:
                return int.from_bytes(data[position + header : position + header + 2], "big")
            position += header + length
    return 1006


@pytest.mark.postgres
@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
def test_updates_keep_coming_after_the_listening_connection_is_killed(world: World, settings: Settings) -> None:
    async def scenario() -> None:
        async with world.live("gill") as gill:
            await gill.subscribe(f"audit:{world.programme_id}")
            await next_of(gill, "subscribed")
            killed = await asyncio.to_thread(kill_listeners, f"{settings.database_schema}_corral_views")

            submitted = await world.submit("colin")

            assert killed == 1
            assert (await next_of(gill))["position"] == submitted["position"]

    run(scenario())


@both_send_paths()
def test_while_no_socket_is_open_no_rows_are_read_and_a_client_that_comes_back_hears_all_it_missed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[tuple[int, int]] = []
    read_rows = Follower._new_rows

    def counted(follower: Follower, reader: Any, after: int, until: int) -> list[Any]:
        reads.append((after, until))
        return read_rows(follower, reader, after, until)

    monkeypatch.setattr(Follower, "_new_rows", counted)
    hub = world.server.app.state.hub

    async def scenario() -> None:
        before = hub.delivered
        missed = [await world.submit("colin"), await world.nudge(COMMUNITY_ID)]
        await delivered_to(hub, missed[-1]["position"])
        assert reads == []  # no one to hand them to

        async with world.live("alice") as alice:
            await alice.subscribe(f"board:{world.scheme_id}:Q1", after=before)
            await next_of(alice, "subscribed")
            replayed = [await next_of(alice) for _ in range(3)]  # colin's evidence, the quarter opened, the nudge
            live = await world.submit("alice")
            heard = await next_of(alice)

        positions = [m["position"] for m in replayed]
        assert positions == sorted(set(positions)) and {m["position"] for m in missed} <= set(positions)
        assert heard["position"] == live["position"] and reads  # read once someone listens

    run(scenario())


async def delivered_to(hub: Any, position: int, timeout: float = 10.0) -> None:
    """Wait until the server's live hub has moved on to `position`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while hub.delivered < position:
        assert asyncio.get_running_loop().time() < deadline, f"the hub stayed at {hub.delivered}, short of {position}"
        await asyncio.sleep(0.02)


def kill_listeners(channel: str) -> int:
    """Terminate the PostgreSQL backends listening on a channel; how many there were."""
    conn = psycopg2.connect(_postgres_dsn())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = %s", (f"LISTEN {channel}",)
        )
        killed = int(cursor.fetchone()[0])
    conn.close()
    return killed


@pytest.fixture
def quick_beats(settings: Settings, request: pytest.FixtureRequest) -> Iterator[World]:
    yield from world_on(
        settings.model_copy(update={"live_heartbeat_seconds": 0.2, "live_idle_seconds": 0.6}), send_path(request)
    )


@both_send_paths("quick_beats")
def test_a_follower_hears_heartbeats_and_a_connection_following_nothing_is_closed_as_idle(
    quick_beats: World,
) -> None:
    world = quick_beats

    async def scenario() -> tuple[dict[str, Any], ConnectionClosed]:
        async with world.live("gill") as follower, world.live("colin") as idler:
            await follower.subscribe(f"audit:{world.programme_id}")
            await next_of(follower, "subscribed")
            beats = [await next_of(follower, "heartbeat") for _ in range(5)]
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await idler.receive(5)
            return beats[-1], closed.value

    beat, closed = run(scenario())

    assert beat["position"] > 0
    assert closed.rcvd is not None and closed.rcvd.code == 1000 and "idle" in closed.rcvd.reason
