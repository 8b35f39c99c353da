"""The moving parts of a fault drill, shared by tests/e2e/test_fault_drills.py and bench/drills.py.

Corral's own processes, started from the command line so that they can be SIGKILLed and started
again on the same port; lead users whose keyed nudges are retried with the same Idempotency-Key
until answered; live followers that must hear every change once, in order; and the checks every
drill ends with: nothing acknowledged lost, nothing applied twice, views equal to a fresh rebuild.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import httpx
from eventsourcing.utils import get_topic

from api.live.client import LiveClient
from api.http.security import hash_password
from api.storage.settings import Settings
from bench.live_servers import CORRAL
from bench.workload import commissioner, register_organisations, set_up_programme
from domain.actors import Actor, Role
from domain.application import Corral
from domain.milestones import Quarter
from domain.quarter_review import QuarterReview
from projections.database import ViewDatabase
from projections.registry import build_projections

PASSWORD = "a long enough password"
SECRET = "d" * 48
T = TypeVar("T")


def eventually(probe: Callable[[], T | None], timeout: float, what: str) -> T:
    """The probe's first truthy answer, polling until `timeout`."""
    deadline = time.monotonic() + timeout
    while not (answer := probe()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout}s")
        time.sleep(0.02)
    return answer


def corral_env(settings: Settings, folder: Path) -> dict[str, str]:
    """The environment that points `corral` at the store."""
    env = {
        **os.environ,
        "CORRAL_DATABASE_URL": settings.database_url,
        "CORRAL_SECRET_KEY": SECRET,
        "CORRAL_ATTACHMENTS_DIR": str(folder / "attachments"),
        "COLUMNS": "200",
        "CORRAL_LIVE_SOCKETS_PER_ACCOUNT": "100",  # a drill's followers stand for many users, on one account
    }
    if settings.database_schema:
        env["CORRAL_DATABASE_SCHEMA"] = settings.database_schema
    return env


class Service:
    """One `corral` process that a drill may SIGKILL and start again with the same arguments (and port)."""

    def __init__(self, env: dict[str, str], *args: str, port: int | None = None) -> None:
        self.env, self.port = env, port
        self.command = [str(CORRAL), *args, *(["--port", str(port)] if port is not None else [])]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def http(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def live(self) -> str:
        """The server's websocket URL."""
        return f"ws://127.0.0.1:{self.port}/api/v1/live"

    def start(self) -> Service:
        """Start it; a server is started once /healthz answers."""
        self.process = subprocess.Popen(self.command, env=self.env, stdout=subprocess.DEVNULL)
        if self.port is not None:
            eventually(self._healthy, 60, f"{' '.join(self.command[1:])} answering")
        return self

    def kill(self) -> None:
        """kill -9: no clean-up, no goodbye to its clients or its database sessions."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop it the polite way (SIGTERM), or the hard way after 30 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def _healthy(self) -> bool:
        assert self.process is not None and self.port is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"{' '.join(self.command[1:])} exited with {self.process.returncode}")
        try:
            return httpx.get(f"{self.http}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False


@contextmanager
def services(*started: Service) -> Iterator[None]:
    """Stop every service when the block ends, however it ends."""
    try:
        yield
    finally:
        for service in started:
            service.stop()


# The stage every drill plays on


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


def head(app: Corral) -> int:
    """The last position in the log."""
    return app.recorder.max_notification_id() or 0


def log_positions(app: Corral) -> list[int]:
    """Every position in the log, in order (a transaction rolled back, e.g. by a kill, leaves a gap)."""
    return [n.id for n in app.recorder.select_notifications(start=1, limit=1_000_000)]


def nudges_logged(app: Corral) -> Counter[str]:
    """How many times each nudge's message is in the log."""
    topic = get_topic(QuarterReview.ProviderNudgedByLead)
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000, topics=[topic])
    return Counter(app.mapper.to_domain_event(n).message for n in notifications)  # type: ignore[attr-defined]


# Commands under way while a drill breaks something


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


# Live followers


class Followers:
    """`count` LiveClients on one topic from `after`, each in the same event loop on a thread of its own,
    reconnecting and resuming by themselves; `heard[i]` is every update client i was given."""

    def __init__(self, url: str, token: str, topic: str, after: int, count: int) -> None:
        self.url, self.token, self.topic, self.after = url, token, topic, after
        self.heard: list[list[int]] = [[] for _ in range(count)]
        self.resyncs = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._loop.run_forever, name="drill-followers", daemon=True)
        self._tasks: list[asyncio.Task[None]] = []

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


# The checks every drill ends with


def view_positions(settings: Settings) -> dict[str, int | None]:
    """Each view's position as another process sees it (None while its tables are being made)."""
    database = ViewDatabase(settings.database_url, settings.database_schema)
    try:
        return {p.view.name: _position(p.view) for p in build_projections(database)}
    finally:
        database.close()


def _position(view: Any) -> int | None:
    try:
        return int(view.position)
    except Exception:  # noqa: BLE001 (a table not there yet reads as "no position")
        return None


def wait_caught_up(settings: Settings, position: int, timeout: float = 30) -> None:
    """Until every view has applied `position`."""
    eventually(lambda: all((p or 0) >= position for p in view_positions(settings).values()), timeout, "views caught up")


def audit_positions(settings: Settings) -> list[int]:
    """The positions in the audit trail, in order: one row per event applied."""
    database = ViewDatabase(settings.database_url, settings.database_schema)
    try:
        audit = next(p.view for p in build_projections(database) if p.view.name == "audit_v1")
        with database.engine.connect() as conn:
            return [row.position for row in conn.execute(audit.events.select().order_by(audit.events.c.position))]
    finally:
        database.close()


def verify(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`corral projections verify`: every view rebuilt into scratch tables and compared with the live one."""
    return subprocess.run([str(CORRAL), "projections", "verify"], env=env, capture_output=True, text=True, timeout=120)
