"""More than one server process on PostgreSQL: a change made through one reaches subscribers on every one.

`corral serve --workers 2` on one port and a plain `corral serve` on another, with separate `corral
projector`s (one active at a time): the fan-out goes through PostgreSQL LISTEN/NOTIFY, with no broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from api.live.client import LiveClient
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import OPERATOR, COMMISSIONER_ID, COMMUNITY_ID, quick_hash
from bench.servers import serving
from tests.conftest import POSTGRES_URL, fresh_schema
from tests.e2e.serving import run
from tests.integration.given import Agreed, agreed_scheme

pytestmark = pytest.mark.postgres

PASSWORD = "a long enough password"
SECRET = "s" * 48


@pytest.fixture
def cluster(postgres_available: bool, tmp_path: Path) -> Iterator[tuple[Agreed, list[int]]]:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with fresh_schema() as schema:
        settings = Settings(database_url=POSTGRES_URL, database_schema=schema)
        app = build_application(settings)
        agreed = agreed_scheme(app)
        for username, organisation_id, role in (
            ("colin", COMMUNITY_ID, Role.PROVIDER),
            ("gill", COMMISSIONER_ID, Role.COMMISSIONER),
        ):
            app.register_user(OPERATOR, username, organisation_id, role, quick_hash(PASSWORD))
        app.close()
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        # Each brings a projector; the lease lets one of them project at a time.
        with (
            serving(settings, SECRET, tmp_path / "a", workers=2) as first,
            serving(settings, SECRET, tmp_path / "b") as second,
        ):
            yield agreed, [first.port, second.port]


def test_a_change_made_through_one_server_reaches_subscribers_on_both(cluster: tuple[Agreed, list[int]]) -> None:
    agreed, ports = cluster
    tokens = {
        user: httpx.post(
            f"http://127.0.0.1:{ports[0]}/api/v1/auth/token", data={"username": user, "password": PASSWORD}
        ).json()["access_token"]
        for user in ("colin", "gill")
    }

    async def scenario() -> tuple[int, list[int]]:
        # Several sockets on the two-worker server, so both of its workers are likely to hold some.
        clients = [LiveClient(f"ws://127.0.0.1:{port}/api/v1/live", token=tokens["gill"]) for port in ports * 3]
        for client in clients:
            await client.connect()
            assert client.connection is not None
            assert client.connection.protocol.extensions == [], "offered permessage-deflate, served uncompressed"
            await client.subscribe(f"audit:{agreed.programme_id}")
            assert (await client.receive(10))["type"] == "subscribed"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[1]}") as http:
            submitted = await http.post(
                f"/api/v1/schemes/{agreed.scheme_id}/milestones/M1/submissions",
                json={"narrative": "Audit attached.", "attachments": []},
                headers={"Authorization": f"Bearer {tokens['colin']}"},
            )
        assert submitted.status_code == 201, submitted.text
        heard = [(await client.receive(10))["position"] for client in clients]
        for client in clients:
            await client.close()
        return int(submitted.json()["position"]), heard

    position, heard = run(scenario())

    assert heard == [position] * 6


def test_signing_out_through_one_server_closes_the_sessions_sockets_on_every_server(
    cluster: tuple[Agreed, list[int]],
) -> None:
    agreed, ports = cluster
    token = sign_in(ports[0], "gill")

    async def scenario() -> list[int | None]:
        # Sockets on the two-worker server, whose processes hear of the sign-out only by NOTIFY; one on the server
        # that signs out, which hears of it at once.
        clients = [
            LiveClient(f"ws://127.0.0.1:{port}/api/v1/live", token=token) for port in (ports[0],) * 3 + (ports[1],)
        ]
        for client in clients:
            await client.connect()
            assert client.connection is not None
            assert client.connection.protocol.extensions == [], "offered permessage-deflate, served uncompressed"
            await client.subscribe(f"audit:{agreed.programme_id}")
            assert (await client.receive(10))["type"] == "subscribed"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[1]}") as http:
            signed_out = await http.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert signed_out.status_code == 204
        codes = []
        for client in clients:
            try:
                async with asyncio.timeout(5):
                    while True:
                        await client.receive()
            except ConnectionClosed as closed:
                codes.append(closed.rcvd.code if closed.rcvd is not None else None)
            except TimeoutError:
                codes.append(None)  # still open
        return codes

    assert run(scenario()) == [1008] * 4


def test_a_read_through_one_server_waits_for_a_change_made_through_another_and_projected_by_a_third(
    cluster: tuple[Agreed, list[int]],
) -> None:
    agreed, ports = cluster
    tokens = {user: sign_in(ports[0], user) for user in ("colin", "gill")}

    submitted = httpx.post(
        f"http://127.0.0.1:{ports[1]}/api/v1/schemes/{agreed.scheme_id}/milestones/M1/submissions",
        json={"narrative": "Audit attached.", "attachments": []},
        headers={"Authorization": f"Bearer {tokens['colin']}"},
    )
    read = httpx.get(
        f"http://127.0.0.1:{ports[0]}/api/v1/programmes/{agreed.programme_id}/progress",
        params={"after": submitted.json()["position"]},
        headers={"Authorization": f"Bearer {tokens['gill']}"},
    )

    assert submitted.status_code == 201 and read.status_code == 200
    assert read.json()["counts"].get("submitted", 0) == 1


def sign_in(port: int, user: str) -> str:
    answer = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/token", data={"username": user, "password": PASSWORD})
    token: str = answer.json()["access_token"]
    return token
