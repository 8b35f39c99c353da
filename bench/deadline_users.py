"""The people of a deadline day, as asyncio tasks over HTTP and websockets: providers submit and revise,
leads accept, return and present when their live board shows every participant's evidence accepted, and the
commissioner assesses and closes each pack its live progress feed announces.

Every request is timed by operation; every acknowledged command keeps its id, version and log position; every
update any socket receives is timed against the moment the command at its position was answered.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.live.client import LiveClient

REVIEWED = ("EvidenceSubmitted", "EvidenceRevised")


@dataclass
class Tally:
    """What the load saw: timings and failures by operation, acknowledged commands and pushes received."""

    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    conflicts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    acknowledged: list[tuple[str, int, int]] = field(default_factory=list)  # id, version, position
    answered_at: dict[int, float] = field(default_factory=dict)
    received: list[tuple[int, float]] = field(default_factory=list)

    async def call(
        self,
        http: httpx.AsyncClient,
        operation: str,
        path: str,
        token: str,
        body: dict[str, Any] | None = None,
        if_match: int | None = None,
    ) -> dict[str, Any] | None:
        """One timed request: a POST with its own Idempotency-Key and answered with what it recorded, or a GET."""
        headers = {"Authorization": f"Bearer {token}"}
        if if_match is not None:
            headers["If-Match"] = f'"{if_match}"'
        method = "GET" if body is None else "POST"
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        started = time.perf_counter()
        try:
            response = await http.request(method, path, json=body, headers=headers)
        except httpx.HTTPError as error:
            self._failed(operation, f"{operation}: {error!r}")
            return None
        answered = time.perf_counter()
        self.timings[operation].append(answered - started)
        if response.status_code in (409, 412):
            self.conflicts[operation] += 1
            return None
        if not 200 <= response.status_code < 300:
            self._failed(operation, f"{operation} {response.status_code}: {response.text[:300]}")
            return None
        if method == "GET":
            return {}
        recorded: dict[str, Any] = response.json()
        self.acknowledged.append((recorded["id"], recorded["version"], recorded["position"]))
        self.answered_at[recorded["position"]] = answered
        return recorded

    def _failed(self, operation: str, text: str) -> None:
        self.errors[operation] += 1
        if len(self.failures) < 20:
            self.failures.append(text)

    def push_latencies(self) -> list[float]:
        """Receipt − answer, per delivery of an update at an acknowledged command's position."""
        return [at - self.answered_at[p] for p, at in self.received if p in self.answered_at]

    def undelivered(self) -> int:
        """Acknowledged positions no socket received."""
        return len(set(self.answered_at) - {p for p, _ in self.received})


@dataclass(frozen=True)
class Milestone:
    """One provider-milestone to submit: where, and the evidence to send (and send again when revising)."""

    scheme_id: str
    quarter: str
    body: dict[str, Any]


@dataclass
class Organisation:
    """A provider's shared to-do list: fresh milestones in deadline order, and evidence its lead returned."""

    provider_id: str
    fresh: deque[Milestone]
    returned: deque[tuple[str, int]] = field(default_factory=deque)
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: set[tuple[str, int]] = field(default_factory=set)


class Day:
    """The shared state of a run: the HTTP client, the tally and the end time."""

    def __init__(self, http: httpx.AsyncClient, live_url: str, seconds: float) -> None:
        self.http = http
        self.live_url = live_url
        self.tally = Tally()
        self.ends = time.perf_counter() + seconds

    def over(self) -> bool:
        """True once the time is up: nobody starts another command."""
        return time.perf_counter() >= self.ends

    async def follow(self, token: str, topics: list[str], heard: Callable[[dict[str, Any]], None]) -> None:
        """Hold a socket on `topics` until cancelled, timing every update and handing it to `heard`."""
        async with LiveClient(self.live_url, token=token) as live:
            for topic in topics:
                await live.subscribe(topic)
            async for update in live.updates():
                if update["type"] == "update":
                    self.tally.received.append((update["position"], time.perf_counter()))
                    heard(update)


async def provider(day: Day, organisation: Organisation, token: str, number: int) -> None:
    """Revise returned evidence first, else submit the next milestone (and revise every third at once); read the
    dashboard every third action."""
    actions = 0
    while not day.over():
        if organisation.returned:
            submission_id, version = organisation.returned.popleft()
            await _revise(day, organisation, token, submission_id, version, "Audit attached.")
        elif organisation.fresh:
            milestone = organisation.fresh.popleft()
            path = f"/api/v1/schemes/{milestone.scheme_id}/milestones/{milestone.quarter}/submissions"
            recorded = await day.tally.call(day.http, "submit", path, token, milestone.body)
            if recorded is not None:
                organisation.bodies[recorded["id"]] = milestone.body
                if (actions + number) % 3 == 0:
                    await _revise(day, organisation, token, recorded["id"], recorded["version"], "Corrected figures.")
        else:
            await asyncio.sleep(0.05)
            continue
        actions += 1
        if actions % 3 == 0:
            await day.tally.call(
                day.http, "dashboard read", f"/api/v1/providers/{organisation.provider_id}/dashboard", token
            )


async def _revise(day: Day, organisation: Organisation, token: str, submission_id: str, version: int, why: str) -> None:
    body = organisation.bodies[submission_id] | {"reason": why}
    await day.tally.call(day.http, "revise", f"/api/v1/submissions/{submission_id}/revisions", token, body, version)


def returns_heard(organisation: Organisation) -> Callable[[dict[str, Any]], None]:
    """A provider's progress feed: evidence of its own that its lead returned goes on its to-do list."""

    def heard(update: dict[str, Any]) -> None:
        change = update["change"]
        key = (change["aggregate_id"], change["version"])
        if change["event"] == "EvidenceReturnedByLead" and change["provider_id"] == organisation.provider_id:
            if key not in organisation.seen and change["aggregate_id"] in organisation.bodies:
                organisation.seen.add(key)
                organisation.returned.append(key)

    return heard


@dataclass
class Lead:
    """A lead's view of its boards: the latest event per provider in each scheme-quarter, and what to review."""

    participants: dict[str, int]  # scheme id → how many providers take part
    latest: dict[tuple[str, str], dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    presented: set[tuple[str, str]] = field(default_factory=set)
    reviews: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    def heard(self, update: dict[str, Any]) -> None:
        """Keep the board's state, and queue each submission or revision for review."""
        change = update["change"]
        if change["aggregate"] != "Submission":
            return
        self.latest[(change["scheme_id"], change["quarter"])][change["provider_id"]] = change["event"]
        if change["event"] in REVIEWED:
            self.reviews.put_nowait(change)
        elif change["event"] == "EvidenceAcceptedByLead":
            self.reviews.put_nowait({"event": "ready?"} | change)

    def ready(self, scheme_id: str, quarter: str) -> bool:
        """Every participant's evidence accepted, and no pack presented yet."""
        board = self.latest[(scheme_id, quarter)]
        everyone = len(board) == self.participants[scheme_id]
        accepted = all(e == "EvidenceAcceptedByLead" for e in board.values())
        return everyone and accepted and (scheme_id, quarter) not in self.presented


async def lead(day: Day, state: Lead, token: str) -> None:
    """Accept each submission or revision its board shows (returning one first submission in five), and present
    the pack once every participant's evidence is accepted."""
    while not day.over():
        try:
            change = await asyncio.wait_for(state.reviews.get(), 0.2)
        except TimeoutError:
            continue
        scheme_id, quarter, submission_id = change["scheme_id"], change["quarter"], change["aggregate_id"]
        if change["event"] in REVIEWED:
            if change["version"] == 1 and uuid.UUID(submission_id).int % 5 == 0:
                body, operation, path = {"comments": "Please attach the audit."}, "return", "return"
            else:
                body, operation, path = {"comments": "Thank you."}, "accept", "acceptance"
            url = f"/api/v1/submissions/{submission_id}/{path}"
            await day.tally.call(day.http, operation, url, token, body, change["version"])
        elif state.ready(scheme_id, quarter):
            state.presented.add((scheme_id, quarter))
            path = f"/api/v1/schemes/{scheme_id}/quarters/{quarter}/pack"
            if await day.tally.call(day.http, "present", path, token, {}) is None:
                state.presented.discard((scheme_id, quarter))


@dataclass
class Commissioner:
    """The packs announced on the progress feeds, each to be assessed and closed once."""

    participants: dict[str, list[str]]  # scheme id → provider ids
    statuses: dict[tuple[str, str, str], str]  # (scheme id, quarter, provider id) → the status its figures give
    packs: asyncio.Queue[tuple[str, str]] = field(default_factory=asyncio.Queue)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def heard(self, update: dict[str, Any]) -> None:
        """Queue each pack presented, once."""
        change = update["change"]
        key = (change["scheme_id"], change["quarter"])
        if change["event"] == "EvidencePackPresented" and key not in self.seen:
            self.seen.add(key)
            self.packs.put_nowait(key)


async def commissioner(day: Day, state: Commissioner, token: str) -> None:
    """Assess every provider-milestone of each pack presented, then close the quarter."""
    while not day.over():
        try:
            scheme_id, quarter = await asyncio.wait_for(state.packs.get(), 0.2)
        except TimeoutError:
            continue
        base = f"/api/v1/schemes/{scheme_id}/quarters/{quarter}"
        for provider_id in state.participants[scheme_id]:
            status = state.statuses[(scheme_id, quarter, provider_id)]
            body = {"provider_id": provider_id, "milestone_code": quarter, "status": status, "rationale": "Assessed."}
            await day.tally.call(day.http, "assess", f"{base}/assessments", token, body)
        await day.tally.call(day.http, "close", f"{base}/closure", token, {})
