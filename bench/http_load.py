"""Closed-loop HTTP clients: each sends its calls one after another, as fast as the server answers them.

A block of clients runs in a few processes (`ProcessPoolExecutor`), each holding its share of the clients as
asyncio tasks on one `httpx.AsyncClient`, so that one process's event loop is not the bottleneck. Every
process starts its clients at the same wall-clock moment.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

# Seconds for every (warm) process to be ready before the block starts; a process that starts later still counts
# from when it did (`Block.wall_seconds`), so the block's rate is not flattered or spoiled by a late start.
START_DELAY = 0.15


@dataclass(frozen=True)
class Call:
    """One request a client makes."""

    method: str
    path: str
    token: str | None = None
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Answer:
    """How long one call took and what came back."""

    seconds: float
    status: int


@dataclass(frozen=True)
class Block:
    """Every answer of a block of clients, and how long the block took from start to its last answer."""

    answers: tuple[Answer, ...]
    wall_seconds: float

    @property
    def latencies(self) -> tuple[float, ...]:
        """Seconds per answered call, errors included: a failure is still a wait."""
        return tuple(a.seconds for a in self.answers)

    @property
    def errors(self) -> int:
        """Answers other than 2xx."""
        return sum(1 for a in self.answers if not 200 <= a.status < 300)

    @property
    def rate(self) -> float:
        """Calls answered per second."""
        return len(self.answers) / self.wall_seconds


class Clients:
    """A pool of client processes, started once and used for every block."""

    def __init__(self, executor: ProcessPoolExecutor, processes: int) -> None:
        self.executor = executor
        self.processes = processes

    def run(self, base_url: str, clients: Sequence[Sequence[Call]]) -> Block:
        """Run every client's calls at once, shared among the processes; waits for the last answer."""
        start_at = time.time() + START_DELAY
        shares = [list(clients[i :: self.processes]) for i in range(self.processes)]
        futures = [self.executor.submit(run_share, base_url, share, start_at) for share in shares if share]
        results = [future.result() for future in futures]
        answers = tuple(a for answers, _, _ in results for a in answers)
        began = min(started for _, started, _ in results)
        return Block(answers, max(finished for _, _, finished in results) - began)


@contextmanager
def client_processes(processes: int) -> Iterator[Clients]:
    """`processes` client processes, warmed up (their imports done) before the first block."""
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as executor:
        for future in [executor.submit(time.sleep, 0.2) for _ in range(processes)]:
            future.result()
        yield Clients(executor, processes)


def run_share(base_url: str, clients: Sequence[Sequence[Call]], start_at: float) -> tuple[list[Answer], float, float]:
    """In a client process: every client's calls, concurrently; the answers, and the wall-clock times of the first
    call (`start_at`, or later if the process was late) and of the last answer."""
    return asyncio.run(_run_share(base_url, clients, start_at))


async def _run_share(
    base_url: str, clients: Sequence[Sequence[Call]], start_at: float
) -> tuple[list[Answer], float, float]:
    limits = httpx.Limits(max_connections=len(clients), max_keepalive_connections=len(clients))
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as http:
        await asyncio.sleep(max(start_at - time.time(), 0))
        started = time.time()
        answers = await asyncio.gather(*(_run_client(http, calls) for calls in clients))
    return [a for client in answers for a in client], started, time.time()


async def _run_client(http: httpx.AsyncClient, calls: Sequence[Call]) -> list[Answer]:
    answers = []
    for call in calls:
        headers = {} if call.token is None else {"Authorization": f"Bearer {call.token}"}
        started = time.perf_counter()
        try:
            status = (await http.request(call.method, call.path, json=call.body, headers=headers)).status_code
        except httpx.TransportError:
            status = 0  # counted as an error, not fatal to the run
        answers.append(Answer(time.perf_counter() - started, status))
    return answers
