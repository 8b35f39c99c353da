"""A live client's writes: at once on a socket that takes them, in order through a bounded backlog on one that
pushes back, and cut off when that backlog fills or the socket fails."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from api.live.hub import GONE, TOO_SLOW, Client
from projections.database import read_announcement


class Socket:
    """Takes frames like an ASGI server's send: at once while writable, else once its peer has read."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.writable = asyncio.Event()
        self.writable.set()
        self.broken = False

    async def send(self, text: str) -> None:
        await self.writable.wait()
        if self.broken:
            raise OSError("the peer went away")
        self.written.append(text)


def play(scenario: Callable[[Socket], Awaitable[None]]) -> None:
    """Run the scenario in an event loop of its own thread: in a whole run, Playwright keeps one open on this one."""

    async def main() -> None:
        await scenario(Socket())

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, main()).result()


def test_a_socket_that_takes_every_frame_has_each_written_at_once_in_order() -> None:
    async def scenario(socket: Socket) -> None:
        client = Client(socket.send, limit=2)
        for message in ("first", "second", "third"):
            client.put(message)

        assert socket.written == ["first", "second", "third"]  # no task ran: each write finished in put
        assert client.draining is None and client.closing is None

    play(scenario)


def test_a_socket_that_pushes_back_gets_what_waited_in_order_once_its_peer_reads() -> None:
    async def scenario(socket: Socket) -> None:
        client = Client(socket.send, limit=2)
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

        assert client.closing is not None and client.closing[0] == GONE
        assert client.cut.is_set()

    play(scenario)


def test_a_view_commit_announcement_names_the_view_and_its_position() -> None:
    assert read_announcement("progress_v1 1234") == ("progress_v1", 1234)
    assert read_announcement("1234") is None  # an older process's payload: the hub reads the positions instead
    assert read_announcement("audit_v1 soon") is None
