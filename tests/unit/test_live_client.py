"""A live client's writes: at once on a socket that takes them directly, else in order through a bounded backlog a
task drains with the socket's `send`, and cut off when that backlog fills or the socket fails."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory
from websockets.server import ServerProtocol
from websockets.uri import parse_uri

from api.live.uvicorn_fast import text_frame
from api.live.sockets import GONE, TOO_SLOW, Client
from projections.database import read_announcement
from tests.unit.own_loop import run_in_own_loop


class Socket:
    """Takes frames like an ASGI server's send: at once while writable, else once its peer has read."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.writable = asyncio.Event()
        self.writable.set()
        self.broken = False
        self.direct = 0  # frames taken by write_now

    async def send(self, text: str) -> None:
        await self.writable.wait()
        if self.broken:
            raise OSError("the peer went away")
        self.written.append(text)

    def write_now(self, text: str) -> bool:
        """Write at once if writable, as uvicorn's connection can; False leaves the frame to `send`."""
        if not self.writable.is_set():
            return False
        self.written.append(text)
        self.direct += 1
        return True


def play(scenario: Callable[[Socket], Awaitable[None]]) -> None:
    """Run the scenario on a socket, in an event loop of its own (own_loop.py)."""

    async def main() -> None:
        await scenario(Socket())

    run_in_own_loop(main())


def test_a_socket_that_takes_every_frame_has_each_written_at_once_in_order() -> None:
    async def scenario(socket: Socket) -> None:
        client = Client(socket.send, limit=2, write_now=socket.write_now)
        for message in ("first", "second", "third"):
            client.put(message)

        assert socket.written == ["first", "second", "third"]  # no task ran: each write finished in put
        assert client.draining is None and client.closing is None

    play(scenario)


def test_a_socket_written_directly_falls_back_to_its_send_while_it_pushes_back_and_keeps_the_order() -> None:
    async def scenario(socket: Socket) -> None:
        client = Client(socket.send, limit=2, write_now=socket.write_now)
        client.put("first")
        assert socket.written == ["first"] and socket.direct == 1

        socket.writable.clear()
        client.put("second")
        client.put("third")
        socket.writable.set()
        client.put("fourth")  # the socket takes frames again, but "third" still waits: this one waits behind it
        assert client.draining is not None
        await client.draining

        assert socket.written == ["first", "second", "third", "fourth"] and socket.direct == 1

    play(scenario)


def test_a_socket_that_pushes_back_gets_what_waited_in_order_once_its_peer_reads() -> None:
    async def scenario(socket: Socket) -> None:
        client = Client(socket.send, limit=2, write_now=socket.write_now)
        socket.writable.clear()
        for message in ("first", "second", "third"):
            client.put(message)
        assert socket.written == [] and list(client.backlog) == ["second", "third"]

        socket.writable.set()
        assert client.draining is not None
        await client.draining

        assert socket.written == ["first", "second", "third"]
        assert client.draining is None and client.closing is None
        client.put("fourth")
        assert socket.written[-1] == "fourth"

    play(scenario)


def test_a_socket_whose_backlog_fills_is_cut_off_as_too_slow_and_written_nothing_more() -> None:
    async def scenario(socket: Socket) -> None:
        client = Client(socket.send, limit=2)
        socket.writable.clear()
        for message in ("first", "second", "third", "fourth", "fifth"):
            client.put(message)

        assert client.closing is not None and client.closing[0] == TOO_SLOW
        assert client.cut.is_set() and not client.backlog
        socket.writable.set()
        await asyncio.sleep(0.01)
        assert socket.written == []

    play(scenario)


def test_a_socket_that_fails_is_cut_off_as_gone() -> None:
    async def scenario(socket: Socket) -> None:
        client = Client(socket.send, limit=2)
        socket.broken = True
        client.put("first")
        await asyncio.wait_for(client.cut.wait(), 1)  # the send fails in the task that drains the backlog

        assert client.closing is not None and client.closing[0] == GONE
        assert client.cut.is_set()

    play(scenario)


def test_a_socket_written_only_through_its_send_gets_every_frame_in_order_from_one_task() -> None:
    async def scenario(socket: Socket) -> None:
        client = Client(socket.send, limit=2)
        for message in ("first", "second", "third"):
            client.put(message)
        draining = client.draining

        assert socket.written == [] and list(client.backlog) == ["second", "third"]  # nothing is sent in put
        assert draining is not None
        await draining
        assert socket.written == ["first", "second", "third"] and client.draining is None
        client.put("fourth")
        assert client.draining is not None and client.draining is not draining  # a new task for a new burst
        await client.draining
        assert socket.written[-1] == "fourth" and client.closing is None

    play(scenario)


def test_a_view_commit_announcement_names_the_view_and_its_position() -> None:
    assert read_announcement("progress_v1 1234") == ("progress_v1", 1234)
    assert read_announcement("1234") is None  # an older process's payload: the hub reads the positions instead
    assert read_announcement("audit_v1 soon") is None


def test_a_prebuilt_update_frame_between_compressed_messages_leaves_the_socket_s_compression_intact() -> None:
    client = ClientProtocol(parse_uri("ws://corral.test/api/v1/live"), extensions=[ClientPerMessageDeflateFactory()])
    server = ServerProtocol(
        extensions=[ServerPerMessageDeflateFactory(12, 12, compress_settings={"memLevel": 5})]  # as uvicorn
    )
    client.send_request(client.connect())
    server.receive_data(b"".join(client.data_to_send()))
    (request,) = server.events_received()
    server.send_response(server.accept(request))
    client.receive_data(b"".join(server.data_to_send()))
    assert client.extensions, "permessage-deflate was negotiated"
    client.events_received()

    updates = [
        json.dumps({"type": "update", "topic": "audit:p", "position": n, "reason": "Evidence due"}) for n in (1, 2, 3)
    ]
    server.send_text(updates[0].encode())  # compressed by the socket, as uvicorn's send does
    wire = b"".join(server.data_to_send())
    assert wire[0] & 0x40, "the socket compressed the first update"
    wire += text_frame(updates[1])  # the hub's shared frame
    server.send_text(updates[2].encode())  # compressed again, referring back to the first
    client.receive_data(wire + b"".join(server.data_to_send()))

    frames = client.events_received()
    assert [frame.rsv1 for frame in frames] == [False, False, False]  # decoded, so no longer flagged
    assert [frame.data.decode() for frame in frames] == updates
