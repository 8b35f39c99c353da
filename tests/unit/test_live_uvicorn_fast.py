"""The uvicorn fast path: it fits the pinned uvicorn's websocket protocol (and says loudly what moved when it no
longer does), writes frames a websocket client reads, leaves a paused socket to `send`, and steps aside, logging
why, wherever it cannot be used, so the app always imports and serves."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

import pydantic
import pytest
from uvicorn import Config
from uvicorn.server import ServerState
from websockets.client import ClientProtocol
from websockets.frames import Frame
from websockets.uri import parse_uri

from api.live import uvicorn_fast
from api.live.uvicorn_fast import PROTOCOL_CLASS, SERVER_SEND, misfits, writers
from api.storage.settings import Settings
from tests.unit.test_live_client import play

UVICORN = f"uvicorn {version('uvicorn')}"


class Transport(asyncio.Transport):
    """Keeps what the server writes, for a client protocol to read."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)


@asynccontextmanager
async def uvicorn_socket() -> AsyncIterator[tuple[Any, Any, Transport, ClientProtocol]]:
    """uvicorn's websocket protocol with a handshake accepted by an ASGI app, until the block ends: the protocol,
    the `send` the app was given, the transport and the client at the other end."""
    handed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        handed.set_result(send)
        await receive()  # until the connection is lost

    assert uvicorn_fast.PROTOCOL is not None, f"{UVICORN}: {uvicorn_fast.UNAVAILABLE}"
    config = Config(app, ws="websockets-sansio", log_config=None, lifespan="off")
    config.load()
    state = ServerState()
    protocol = uvicorn_fast.PROTOCOL(config, state, {})
    transport = Transport()
    protocol.connection_made(transport)
    client = ClientProtocol(parse_uri("ws://127.0.0.1:8000/api/v1/live"))
    client.send_request(client.connect())
    protocol.data_received(b"".join(client.data_to_send()))
    try:
        send = await asyncio.wait_for(handed, 5)
        texts(client, transport)  # the handshake's answer
        yield protocol, send, transport, client
    finally:
        if not protocol.disconnected:
            protocol.connection_lost(None)
        await asyncio.gather(*state.tasks)


def texts(client: ClientProtocol, transport: Transport) -> list[str]:
    """The text messages the client reads of what the server wrote since last asked."""
    client.receive_data(bytes(transport.written))
    transport.written.clear()
    return [event.data.decode() for event in client.events_received() if isinstance(event, Frame)]


def test_the_pinned_uvicorn_protocol_has_everything_the_fast_path_reads() -> None:
    async def scenario() -> None:
        async with uvicorn_socket() as (protocol, _, _, _):
            unfit = misfits(protocol)
            assert not unfit, (
                f"{UVICORN}'s {PROTOCOL_CLASS} no longer has {', '.join(unfit)}: change api/live/uvicorn_fast.py "
                "with it, or serve with CORRAL_LIVE_SEND=asgi"
            )

    play(lambda _: scenario())


def test_frames_written_straight_onto_uvicorn_s_connection_reach_the_client_in_order_with_those_sent() -> None:
    async def scenario() -> None:
        async with uvicorn_socket() as (protocol, send, transport, client):
            fast = writers({"type": "websocket", SERVER_SEND: send})
            assert fast is not None
            server_send, write_now = fast

            assert write_now("first") is True
            await server_send("second")  # uvicorn's own send, as a backlog is drained
            assert write_now("third") is True
            protocol.pause_writing()
            paused = write_now("fourth")
            protocol.resume_writing()

            assert paused is False  # left to uvicorn's send, which waits for the socket
            assert texts(client, transport) == ["first", "second", "third"]
            protocol.connection_lost(None)
            assert write_now("after") is False

    play(lambda _: scenario())


def test_a_socket_not_served_by_uvicorn_s_protocol_goes_through_the_asgi_send_and_the_log_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def elsewhere(message: Any) -> None:
        """Another server's send."""

    with caplog.at_level(logging.WARNING, "corral.live"):
        assert writers({"type": "websocket", SERVER_SEND: elsewhere}) is None
        assert writers({"type": "websocket"}) is None  # no ServerSend middleware

    assert f"not served by {PROTOCOL_CLASS}" in caplog.text and "go through the ASGI send" in caplog.text


def test_a_protocol_of_another_shape_is_named_field_by_field() -> None:
    class Reshaped:
        conn = None
        writable = asyncio.Event()
        close_sent = False

    assert misfits(Reshaped()) == ["conn (a websockets Protocol)", "transport (with write)", "disconnected (a bool)"]


def test_the_app_still_imports_when_uvicorn_s_protocol_module_moves(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, uvicorn_fast.PROTOCOL_MODULE, None)  # importing it now fails
    spec = importlib.util.spec_from_file_location("uvicorn_fast_without_the_protocol", uvicorn_fast.__file__)
    assert spec is not None and spec.loader is not None
    moved = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(moved)

    with caplog.at_level(logging.WARNING, "corral.live"):
        fell_back = moved.writers({"type": "websocket"})

    assert moved.PROTOCOL is None and fell_back is None
    assert f"{uvicorn_fast.PROTOCOL_MODULE} cannot be imported" in caplog.text and UVICORN in caplog.text


def test_the_send_path_is_fast_unless_set_to_asgi_and_nothing_else() -> None:
    assert Settings().live_send == "fast"
    assert Settings(live_send="asgi").live_send == "asgi"
    with pytest.raises(pydantic.ValidationError):
        Settings(live_send="quick")  # type: ignore[arg-type]
