"""The load under way while a fault drill breaks something (see bench/faults.py for the drill's steps).

Lead users whose keyed nudges are retried with the same Idempotency-Key until answered, nudges made
through the application, and live followers that must hear every change once, in order.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from uuid import UUID

import httpx

from api.live.client import LiveClient
from api.http.security import hash_password
from bench.servers import Listening
from bench.workload import commissioner, register_organisations, set_up_programme
from domain.actors import Actor, Role
from domain.application import Corral
from domain.milestones import Quarter

PASSWORD = "a long enough password"
T = TypeVar("T")


def eventually(probe: Callable[[], T | None], timeout: float, what: str) -> T:
    """The probe's first truthy answer, polling until `timeout`."""
    deadline = time.monotonic() + timeout
    while not (answer := probe()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout}s")
        time.sleep(0.02)
    return answer


@dataclass(frozen=True)
class Stage:
    """An agreed scheme whose lead (signing in as `lead`) nudges a participant; `gill` follows its audit trail."""

    programme_id: UUID
    scheme_id: UUID
    lead: Actor
    provider_id: UUID

    @property
    def topic(self) -> str:
        """The live topic every change on the programme is pushed to."""
        return f"audit:{self.programme_id}"


def set_stage(app: Corral) -> Stage:
    """The bench organisations, a programme of agreed schemes, and two users who may sign in."""
    register_organisations(app)
    scheme = set_up_programme(app, "Drill economy")[0]
    operator = Actor.operator("drill")
    password = hash_password(PASSWORD)
    app.register_user(operator, "lead", scheme.lead.organisation_id, Role.PROVIDER, password)
    app.register_user(operator, "gill", commissioner().organisation_id, Role.COMMISSIONER, password)
    programme_id = app.scheme(scheme.id).programme_id
    return Stage(programme_id, scheme.id, scheme.lead, scheme.participants[1].organisation_id)


def sign_in(base: str, username: str) -> str:
    """A bearer token for the user."""
    answer = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": PASSWORD}, timeout=10)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


class Nudging:
    """A thread of nudges made through the application, one after another, recording each position."""

    def __init__(self, app: Corral, stage: Stage, pause: float = 0.01) -> None:
        self.app, self.stage, self.pause = app, stage, pause
        self.positions: list[int] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="drill-nudging", daemon=True)

    def __enter__(self) -> Nudging:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        quarters = list(Quarter)
        while not self.stopping.is_set():
            number = len(self.positions)
            quarter = quarters[number % len(quarters)]
            message = f"drill nudge {number}: your {quarter.value} evidence is due"
            recorded = self.app.nudge_provider(
                self.stage.lead, self.stage.scheme_id, quarter, self.stage.provider_id, message
            )
            self.positions.append(recorded.position)
            time.sleep(self.pause)


@dataclass
class KeyedSender:
    """A lead's client sending its nudges over HTTP, each with its own Idempotency-Key, retried with that
    same key until the server answers (a dropped connection or a 5xx is no answer)."""

    base: str
    token: str
    stage: Stage
    quarter: Quarter
    count: int
    messages: list[str] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)  # message -> the status code finally answered
    retries: int = 0

    def run(self, deadline: float) -> None:
        """Send every nudge in turn, each until answered or the deadline passes."""
        path = f"/api/v1/schemes/{self.stage.scheme_id}/quarters/{self.quarter.value}/nudges"
        with httpx.Client(base_url=self.base, timeout=10) as http:
            for number in range(self.count):
                message = f"keyed nudge {self.quarter.value}-{number}: your evidence is due ({uuid.uuid4().hex[:8]})"
                key = uuid.uuid4().hex
                self.messages.append(message)
                body = {"provider_id": str(self.stage.provider_id), "message": message}
                headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
                while time.monotonic() < deadline:
                    try:
                        answer = http.post(path, json=body, headers=headers)
                    except httpx.TransportError:
                        answer = None
                    if answer is not None and answer.status_code < 500:
                        self.answers[message] = answer.status_code
                        break
                    self.retries += 1
                    time.sleep(0.1)

    @property
    def acknowledged(self) -> list[str]:
        """The nudges the server answered with a 2xx."""
        return [m for m, status in self.answers.items() if 200 <= status < 300]


class KeyedLoad:
    """The lead's clients, one a quarter, each sending `count` keyed nudges to the server on a thread of its own
    until `seconds` have passed; leaving the block waits for them to finish."""

    def __init__(self, server: Listening, stage: Stage, count: int, seconds: float) -> None:
        token = sign_in(server.http, "lead")
        self.senders = [KeyedSender(server.http, token, stage, quarter, count) for quarter in Quarter]
        deadline = time.monotonic() + seconds
        self._threads = [threading.Thread(target=s.run, args=(deadline,)) for s in self.senders]

    def __enter__(self) -> KeyedLoad:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        for thread in self._threads:
            thread.join()

    @property
    def answered(self) -> int:
        """How many nudges the server has answered so far."""
        return sum(len(s.answers) for s in self.senders)

    @property
    def acknowledged(self) -> int:
        """How many nudges the server has answered with a 2xx so far."""
        return sum(len(s.acknowledged) for s in self.senders)


class Followers:
    """`count` LiveClients on one topic from `after`, each in the same event loop on a thread of its own,
    reconnecting and resuming by themselves; `heard[i]` is every update client i was given."""

    def __init__(self, url: str, token: str, topic: str, after: int, count: int) -> None:
        self.url, self.token, self.topic, self.after = url, token, topic, after
        self.heard: list[list[int]] = [[] for _ in range(count)]
        self.resyncs = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="drill-followers", daemon=True)
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    def of(cls, server: Listening, stage: Stage, after: int, count: int) -> Followers:
        """`count` clients of the server, signed in as `gill`, following the stage's programme from `after`."""
        return cls(server.live, sign_in(server.http, "gill"), stage.topic, after, count)

    def __enter__(self) -> Followers:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def wait_for(self, positions: list[int], timeout: float) -> None:
        """Until every client has heard the last of `positions` (or `timeout`)."""
        last = positions[-1] if positions else 0
        eventually(lambda: all(h and h[-1] >= last for h in self.heard) or None, timeout, "every client converged")

    def converged(self, positions: list[int]) -> list[int]:
        """The clients (by index) that did not hear exactly `positions`, once each, in order."""
        return [i for i, heard in enumerate(self.heard) if heard != positions]

    async def _start(self) -> None:
        clients = [LiveClient(self.url, token=self.token) for _ in self.heard]
        for client in clients:
            await client.connect()
            await client.subscribe(self.topic, after=self.after)
        self._tasks = [asyncio.create_task(self._follow(c, h)) for c, h in zip(clients, self.heard, strict=True)]
        self._clients = clients

    async def _follow(self, client: LiveClient, heard: list[int]) -> None:
        async for message in client.updates(retry_seconds=0.2):
            if message["type"] == "resync":
                self.resyncs += 1
            else:
                heard.append(int(message["position"]))

    async def _stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(client.close() for client in self._clients))
