"""The processes around a live-updates run: subscriber processes, each holding many websockets, and the bare
`websockets.broadcast` server that is the baseline.

Each runs in a process of its own (spawned, so it imports only this module and the websockets package),
so no subscriber's work shares a CPU lock with a server's. Receipt times are `time.time_ns()`, the
machine's wall clock, so they compare with the driver's times across processes.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import resource
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.server import ServerConnection, serve

CONNECTING_AT_ONCE = 25  # per subscriber process: opening sockets in small waves keeps the servers' accept queues short
CONTEXT = multiprocessing.get_context("spawn")


def cpu_times(pid: int) -> dict[int, int]:
    """Nanoseconds on a CPU so far of each of a process's threads, from /proc/<pid>/task/*/schedstat."""
    times = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            times[int(task.name)] = int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # the thread ended meanwhile
    return times


def cpu_used(pid: int, before: dict[int, int]) -> float:
    """Seconds of CPU the process's threads used since `before`; a thread that ended meanwhile is not counted."""
    return sum(now - before.get(tid, 0) for tid, now in cpu_times(pid).items()) / 1e9


def raise_file_limit() -> None:
    """Allow as many open sockets as the hard limit does."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Group:
    """Websockets in one subscriber process, each subscribed to one topic, noting when each message arrives."""

    def __init__(self) -> None:
        self.connections: list[ClientConnection] = []
        self.received: list[list[tuple[int, str]]] = []
        self.readers: list[asyncio.Task[None]] = []

    async def open(self, url: str, headers: dict[str, str], subscribe: str, count: int) -> None:
        """Connect `count` sockets, subscribe each and wait for its answer."""
        for first in range(0, count, CONNECTING_AT_ONCE):
            await asyncio.gather(
                *(self._open_one(url, headers, subscribe) for _ in range(first, min(count, first + CONNECTING_AT_ONCE)))
            )

    async def _open_one(self, url: str, headers: dict[str, str], subscribe: str) -> None:
        connection = await websockets.connect(url, additional_headers=headers, open_timeout=60, max_queue=None)
        await connection.send(subscribe)
        answer = {"type": "heartbeat"}
        while answer["type"] == "heartbeat":  # a heartbeat may come before the answer
            answer = json.loads(await asyncio.wait_for(connection.recv(), 60))
        if answer["type"] != "subscribed":
            raise RuntimeError(f"the subscription was not accepted: {answer}")
        received: list[tuple[int, str]] = []
        self.connections.append(connection)
        self.received.append(received)
        self.readers.append(asyncio.create_task(_read(connection, received)))

    async def drain(self, last: int, timeout: float) -> tuple[list[tuple[int, int]], int]:
        """Wait until every socket has the update at position `last` (or the timeout); then every update's
        (position, receipt ns) since the last drain, and how many sockets never had `last`."""
        deadline = time.monotonic() + timeout
        seen = [0] * len(self.received)
        parsed: list[list[tuple[int, int]]] = [[] for _ in self.received]
        while True:
            for index, received in enumerate(self.received):
                for at, text in received[seen[index] :]:
                    message = json.loads(text)
                    if message.get("type") == "update":
                        parsed[index].append((int(message["position"]), at))
                seen[index] = len(received)
            behind = sum(1 for updates in parsed if not updates or updates[-1][0] < last)
            if not behind or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        for received, count in zip(self.received, seen, strict=True):
            del received[:count]
        return [update for updates in parsed for update in updates], behind

    async def close(self) -> None:
        """Close every socket."""
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*(c.close() for c in self.connections), return_exceptions=True)


async def _read(connection: ClientConnection, received: list[tuple[int, str]]) -> None:
    try:
        async for text in connection:
            received.append((time.time_ns(), str(text)))
    except websockets.ConnectionClosed:
        pass


def _subscriber_main(pipe: Connection) -> None:
    raise_file_limit()
    asyncio.run(_obey(pipe))


async def _obey(pipe: Connection) -> None:
    """Run the driver's orders: ("open", name, url, headers, subscribe, count), ("drain", name, last, timeout),
    ("close", name) and ("stop",); answer each."""
    loop = asyncio.get_running_loop()
    groups: dict[str, Group] = {}
    while True:
        order = await loop.run_in_executor(None, pipe.recv)
        try:
            if order[0] == "open":
                _, name, url, headers, subscribe, count = order
                groups[name] = Group()
                await groups[name].open(url, headers, subscribe, count)
                pipe.send(("ok", len(groups[name].connections)))
            elif order[0] == "drain":
                pipe.send(("ok", await groups[order[1]].drain(order[2], order[3])))
            elif order[0] == "close":
                await groups.pop(order[1]).close()
                pipe.send(("ok", None))
            else:
                for group in groups.values():
                    await group.close()
                pipe.send(("ok", None))
                return
        except Exception as error:  # noqa: BLE001 - the driver reports it
            pipe.send(("error", repr(error)))


class Subscribers:
    """Subscriber processes, each holding a share of every group of sockets."""

    def __init__(self, processes: int) -> None:
        self.pipes: list[Connection] = []
        self.processes: list[BaseProcess] = []
        for number in range(processes):
            mine, theirs = CONTEXT.Pipe()
            process = CONTEXT.Process(target=_subscriber_main, args=(theirs,), name=f"bench-subscribers-{number}")
            process.start()
            self.pipes.append(mine)
            self.processes.append(process)

    def _all(self, orders: Sequence[tuple[Any, ...]]) -> list[Any]:
        for pipe, order in zip(self.pipes, orders, strict=True):
            pipe.send(order)
        answers = [pipe.recv() for pipe in self.pipes]
        failed = [answer[1] for answer in answers if answer[0] != "ok"]
        if failed:
            raise RuntimeError(f"a subscriber process failed: {failed[0]}")
        return [answer[1] for answer in answers]

    def open(self, name: str, url: str, headers: dict[str, str], subscribe: str, count: int) -> None:
        """`count` sockets in all, spread over the processes."""
        shares = [count // len(self.pipes) + (i < count % len(self.pipes)) for i in range(len(self.pipes))]
        self._all([("open", name, url, headers, subscribe, share) for share in shares])

    def drain(self, name: str, last: int, timeout: float = 30.0) -> tuple[list[tuple[int, int]], int]:
        """Every (position, receipt ns) the group's sockets had since the last drain, and how many lack `last`."""
        answers = self._all([("drain", name, last, timeout)] * len(self.pipes))
        return [update for updates, _ in answers for update in updates], sum(behind for _, behind in answers)

    def close(self, name: str) -> None:
        """Close the group's sockets."""
        self._all([("close", name)] * len(self.pipes))

    def stop(self) -> None:
        """Close everything and end the processes."""
        try:
            self._all([("stop",)] * len(self.pipes))
        finally:
            for process in self.processes:
                process.join(timeout=10)
                if process.is_alive():
                    process.terminate()


def _baseline_main(pipe: Connection, compression: str | None) -> None:
    raise_file_limit()
    asyncio.run(_broadcast_server(pipe, compression))


async def _broadcast_server(pipe: Connection, compression: str | None) -> None:
    """A bare websockets server: subscribers say anything and hear every broadcast; `/control` sends what to broadcast."""
    subscribers: set[ServerConnection] = set()

    async def handler(connection: ServerConnection) -> None:
        if connection.request is not None and connection.request.path == "/control":
            async for message in connection:
                websockets.broadcast(subscribers, message)
            return
        await connection.recv()
        await connection.send(json.dumps({"type": "subscribed"}))
        subscribers.add(connection)
        try:
            await connection.wait_closed()
        finally:
            subscribers.discard(connection)

    async with serve(handler, "127.0.0.1", 0, max_queue=None, backlog=2048, compression=compression) as server:
        pipe.send(next(iter(server.sockets)).getsockname()[1])
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # until told to stop


class BroadcastServer:
    """The baseline in its own process: its port and pid. It serves uncompressed, as `corral serve` does
    (api/cli/serving.py), unless `compression="deflate"`, the library's default, offers permessage-deflate."""

    def __init__(self, compression: str | None = None) -> None:
        self.pipe, theirs = CONTEXT.Pipe()
        self.process = CONTEXT.Process(target=_baseline_main, args=(theirs, compression), name="bench-broadcast")
        self.process.start()
        if not self.pipe.poll(60):
            raise RuntimeError("the baseline server did not start")
        self.port: int = self.pipe.recv()

    @property
    def pid(self) -> int:
        """The server process's id."""
        assert self.process.pid is not None
        return self.process.pid

    def stop(self) -> None:
        """End the process."""
        self.pipe.send("stop")
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
