"""Driving a live-updates run: the commands that cause updates, one at a time on a fixed beat, and what the
subscribers heard of them.

A sample is (id, time ns): the log position and the moment the command returned (its event committed), over
HTTP (SQLite) the moment its event was made, just before the commit (the answer may arrive after the update); or for
the baseline a sequence number and the moment the driver asked for the broadcast.
"""

from __future__ import annotations

import json
import select
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from eventsourcing.domain import DomainEvent
from websockets.sync.client import ClientConnection

from api.storage.settings import Settings
from bench.live_peers import Subscribers, cpu_times, cpu_used
from bench.stores import connect
from bench.workload import BenchScheme, Churn
from domain.application import Corral
from domain.milestones import Quarter

Step = Callable[[], tuple[int, int]]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InProcessCommands:
    """PostgreSQL: the driver runs the application's use cases itself, as another server process would."""

    def __init__(self, churn: Churn) -> None:
        self.churn = churn

    def __call__(self) -> tuple[int, int]:
        position = self.churn.step().position
        return position, time.time_ns()


class HttpCommands:
    """SQLite: one process owns the file, so the lead's nudges go through the server's HTTP API; a sample's time is
    its event's own timestamp, read from the log: the answer may arrive after the update reaches a subscriber."""

    def __init__(self, http: httpx.Client, scheme: BenchScheme, token: str, log: Corral) -> None:
        self.http, self.scheme, self.number, self.log = http, scheme, 0, log
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self) -> tuple[int, int]:
        self.number += 1
        provider = self.scheme.participants[self.number % len(self.scheme.participants)]
        body = {"provider_id": str(provider.organisation_id), "message": f"Reminder {self.number}: evidence is due."}
        answer = self.http.post(
            f"/api/v1/schemes/{self.scheme.id}/quarters/{Quarter.Q1.value}/nudges", json=body, headers=self.headers
        )
        answer.raise_for_status()
        position = int(answer.json()["position"])
        return position, recorded_ns(self.log, position)


def recorded_ns(app: Corral, position: int) -> int:
    """The timestamp (ns since the epoch) of the event at `position` in the log, taken as it was made, before its
    save committed."""
    (notification,) = app.recorder.select_notifications(start=position, limit=1)
    event = app.mapper.to_domain_event(notification)
    assert isinstance(event, DomainEvent), event
    return (event.timestamp - EPOCH) // timedelta(microseconds=1) * 1000


class Broadcasts:
    """The baseline: ask the bare server to broadcast Corral's own updates for the same workload, in turn.

    Real updates differ from one to the next (ids, times, reasons) as Corral's do in its block: websocket
    compression keeps each connection's recent messages, so repeating one update would make the baseline's
    frames several times cheaper to compress and send than any real stream's."""

    def __init__(self, control: ClientConnection, updates: Sequence[dict[str, Any]]) -> None:
        self.control, self.updates, self.number = control, updates, 0

    def __call__(self) -> tuple[int, int]:
        self.number += 1
        text = json.dumps(self.updates[self.number % len(self.updates)] | {"position": self.number})
        asked = time.time_ns()
        self.control.send(text)
        return self.number, asked


@dataclass(frozen=True)
class Block:
    """One run of samples against one server: every delivery's latency, and the server's CPU meanwhile."""

    sent: dict[int, int]
    latencies: tuple[float, ...]  # seconds, one per delivery
    first: tuple[float, ...]  # seconds to the first subscriber, one per command
    spread: tuple[float, ...]  # seconds from the first subscriber to the last, one per command
    cpu: tuple[float, ...]  # seconds, per process counted
    behind: int  # subscribers that never had the last update


def pooled(blocks: Sequence[Block]) -> Block:
    """Blocks run against the same kind of server, taken together as one (their ids are unique across them)."""
    return Block(
        {sample: at for block in blocks for sample, at in block.sent.items()},
        tuple(latency for block in blocks for latency in block.latencies),
        tuple(first for block in blocks for first in block.first),
        tuple(spread for block in blocks for spread in block.spread),
        tuple(sum(cpu) for cpu in zip(*(block.cpu for block in blocks), strict=True)),
        sum(block.behind for block in blocks),
    )


def drive(
    subscribers: Subscribers, group: str, step: Step, samples: int, period: float, pids: Sequence[int], warmup: int
) -> Block:
    """Unmeasured warm-up steps, then `samples` steps `period` seconds apart, then what every subscriber heard."""
    warm = [_beat(step, period) for _ in range(warmup)]
    if warm:
        subscribers.drain(group, warm[-1][0])
    before = [cpu_times(pid) for pid in pids]
    sent = dict(_beat(step, period) for _ in range(samples))
    heard, behind = subscribers.drain(group, max(sent))
    cpu = tuple(cpu_used(pid, used) for pid, used in zip(pids, before, strict=True))
    receipts: dict[int, list[int]] = {}
    for position, at in heard:
        if position in sent:
            receipts.setdefault(position, []).append(at)
    return Block(
        sent,
        tuple((at - sent[p]) / 1e9 for p, ats in receipts.items() for at in ats),
        tuple((min(ats) - sent[p]) / 1e9 for p, ats in receipts.items()),
        tuple((max(ats) - min(ats)) / 1e9 for ats in receipts.values()),
        cpu,
        behind,
    )


def _beat(step: Step, period: float) -> tuple[int, int]:
    started = time.monotonic()
    sample = step()
    time.sleep(max(period - (time.monotonic() - started), 0))
    return sample


class ViewCommitsHeard:
    """PostgreSQL: LISTENs beside the hub for the views' commit NOTIFYs, noting when each is heard."""

    def __init__(self, settings: Settings, channel: str, views: int) -> None:
        self.conn = connect(settings)
        self.conn.autocommit = True
        with self.conn.cursor() as cursor:
            cursor.execute(f"LISTEN {channel}")
        self.views = views
        self.heard: list[tuple[int, int]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._listen, name="bench-view-commits", daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        while not self.stopping.is_set():
            if select.select([self.conn], [], [], 0.2)[0]:
                self.conn.poll()
                at = time.time_ns()
                self.heard += [(int(n.payload.split()[-1]), at) for n in self.conn.notifies]
                self.conn.notifies.clear()

    def committed(self, sent: dict[int, int]) -> tuple[float, ...]:
        """Seconds from each command's return until its position was announced by every view."""
        latencies = []
        for position, returned in sent.items():
            times = sorted(at for reached, at in self.heard if reached >= position)
            if len(times) >= self.views:
                latencies.append((times[self.views - 1] - returned) / 1e9)
        return tuple(latencies)

    def close(self) -> None:
        """Stop listening."""
        self.stopping.set()
        self.thread.join(timeout=5)
        self.conn.close()
