"""Fan committed view changes out to websocket subscribers, each through its own bounded queue.

A follower thread watches the views' committed position: woken by PostgreSQL NOTIFY (sent in each
view batch's transaction, so only on commit, from whichever process projects) or, on SQLite, by
this process's own projector. It reads the new audit rows and hands them to the event loop, where
all subscription state lives, so ordering needs no locks:

- every row up to `delivered` has been offered to every subscription registered before it;
- a new subscription replays (after, delivered] from the view while buffering what arrives, then
  sends the buffer, dropping positions it already sent; so a resumed client gets each change once.

Each client's messages are written at once, in order: on a healthy socket the write completes without
waiting, so a delivery costs no task switch. Every subscriber to a topic is handed the same message text, so
the endpoint can build its frame once for all of them (see `WriteNow`). A socket that pushes back gets a
bounded backlog drained by a task of its own: a write never waits on another client, and a client whose
backlog is full is cut off rather than allowed to hold the others back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from api.live.topics import Topic
from projections.audit.view import AuditView
from projections.database import read_announcement
from projections.projection import ViewProjection
from projections.runner import DATABASE_ERRORS, Listening
from projections.registry import view_of

log = logging.getLogger("corral.live")

BATCH = 1000
IDLE = 1000
GONE = 1001
TOO_SLOW = 1013  # "try again later": reconnect and resume from the last position seen

Send = Callable[[str], Coroutine[Any, Any, None]]
WriteNow = Callable[[str], bool]  # writes a frame if the socket can take it at once; False leaves it to Send


@dataclass(eq=False)
class Subscription:
    """One topic one client follows, and the last position sent on it."""

    topic: Topic
    client: Client
    last_sent: int
    buffer: list[tuple[int, str]] | None = field(default_factory=list)  # None once replayed: live

    def offer(self, position: int, message: str) -> None:
        """Send, or hold while the replay runs; never a position already sent."""
        if self.buffer is not None:
            self.buffer.append((position, message))
        elif position > self.last_sent:
            self.last_sent = position
            self.client.put(message)


@dataclass(eq=False)
class Client:
    """A connected websocket's subscriptions, and its outgoing messages, written in order without waiting."""

    send: Send
    limit: int  # messages a socket that pushes back may have waiting before it is cut off
    write_now: WriteNow | None = None
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    backlog: deque[str] = field(default_factory=deque)
    draining: asyncio.Task[None] | None = None
    closing: tuple[int, str] | None = None
    cut: asyncio.Event = field(default_factory=asyncio.Event)
    idle_beats: int = 0  # heartbeats in a row with no topic followed

    def put(self, message: str) -> None:
        """Write the message now, or after those waiting; a full backlog cuts the client off."""
        if self.closing is not None:
            return
        if self.draining is not None:
            if len(self.backlog) < self.limit:
                self.backlog.append(message)
            else:
                self.cut_off(TOO_SLOW, "too slow to keep up: reconnect and resume from the last position you saw")
            return
        try:
            if self.write_now is not None and self.write_now(message):
                return
            sending = self.send(message)
            # Step the send by hand, as an eager task would: a socket that takes the frame finishes it here.
            waiting = sending.send(None)
        except StopIteration:
            return
        except Exception:  # whatever the socket raised, it can take nothing more
            return self.cut_off(GONE, "the connection failed")
        self.draining = asyncio.get_running_loop().create_task(self._drain(sending, waiting))

    def cut_off(self, code: int, reason: str) -> None:
        """Drop what is waiting and have the connection closed with this code and reason."""
        if self.closing is None:
            self.closing = (code, reason)
            self.backlog.clear()
            if self.draining is not None:
                self.draining.cancel()
            self.cut.set()

    async def _drain(self, sending: Coroutine[Any, Any, None], waiting: Any) -> None:
        """Finish the send the socket pushed back on, then write the backlog, in order."""
        try:
            await _resume(sending, waiting)
            while self.backlog:
                await self.send(self.backlog.popleft())
        except asyncio.CancelledError:
            raise
        except Exception:  # as in put
            self.cut_off(GONE, "the connection failed")
        finally:
            self.draining = None


async def _resume(coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Run to its end a coroutine stepped by hand until it yielded `waiting`, driving it as a task would:
    wait for what it yielded (a future, or None for a bare yield), then step it on."""
    try:
        while True:
            if waiting is None:
                await asyncio.sleep(0)
            else:
                await asyncio.wait((waiting,))
            waiting = coroutine.send(None)
    except StopIteration:
        pass
    finally:
        coroutine.close()


class Hub:
    """The process's subscribers and the thread that follows the views for them."""

    def __init__(
        self,
        projections: Sequence[ViewProjection[Any]],
        queue_size: int = 256,
        replay_window: int = 10_000,
        heartbeat_seconds: float = 15.0,
        idle_seconds: float = 60.0,
    ) -> None:
        self.views = [p.view for p in projections]
        self.audit = view_of(projections, AuditView)
        self.queue_size = queue_size
        self.chunk = max(1, queue_size // 8)  # rows offered between pauses that let backlogs drain
        self.replay_window = replay_window
        self.heartbeat_seconds = heartbeat_seconds
        self.idle_beats = max(1, round(idle_seconds / heartbeat_seconds))
        self.delivered = 0
        self.clients: set[Client] = set()
        self.by_programme: dict[str, dict[Topic, set[Subscription]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        events = self.audit.events
        self._new_rows_query = (  # built once: it runs after every command
            select(events)
            .where(events.c.position > bindparam("after"), events.c.position <= bindparam("until"))
            .where(events.c.programme_id.is_not(None))
            .order_by(events.c.position)
            .limit(BATCH)
        )

    # Lifecycle (in the event loop)

    async def start(self) -> None:
        """Follow the views from their current position."""
        self._loop = asyncio.get_running_loop()
        self.delivered = min((await asyncio.to_thread(self.view_positions)).values())
        self._thread = threading.Thread(target=self._follow, args=(self.delivered,), name="corral-live", daemon=True)
        self._thread.start()
        self._heartbeat = asyncio.create_task(self._beat())

    async def stop(self) -> None:
        """Stop following and close every connection."""
        self._stopping.set()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        for client in list(self.clients):
            client.cut_off(GONE, "the server is going away: reconnect and resume")
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 5)

    # Clients and subscriptions (in the event loop)

    def connect(self, send: Send, write_now: WriteNow | None = None) -> Client:
        """A new client that writes with `write_now` where it can, else with `send`; with an empty backlog."""
        client = Client(send, self.queue_size, write_now)
        self.clients.add(client)
        return client

    def disconnect(self, client: Client) -> None:
        """Forget the client and its subscriptions."""
        for topic in list(client.subscriptions):
            self.unsubscribe(client, topic)
        self.clients.discard(client)

    async def subscribe(self, client: Client, topic: Topic, after: int | None) -> None:
        """Register, replay what the client missed since `after` (or resync if too far behind), then go live."""
        self.unsubscribe(client, topic.name)
        start = self.delivered if after is None else after
        subscription = Subscription(topic, client, start)
        client.subscriptions[topic.name] = subscription
        for programme_id in topic.programme_ids:
            self.by_programme.setdefault(programme_id, {}).setdefault(topic, set()).add(subscription)
        client.put(json.dumps({"type": "subscribed", "topic": topic.name, "position": self.delivered}))
        if start < self.delivered - self.replay_window:
            subscription.last_sent = self.delivered
            message = f"more than {self.replay_window} changes were missed: read the page again over HTTP"
            client.put(
                json.dumps({"type": "resync", "topic": topic.name, "position": self.delivered, "reason": message})
            )
        missed = []
        if self.delivered - self.replay_window <= start < self.delivered:
            missed = await asyncio.to_thread(self._rows, topic, start, self.delivered)
        held, subscription.buffer = subscription.buffer or [], None  # what arrived live while the replay was read
        for row in missed:
            subscription.offer(row.position, topic.update(row))
        for position, message in held:
            subscription.offer(position, message)

    def unsubscribe(self, client: Client, name: str) -> None:
        """Stop following a topic."""
        subscription = client.subscriptions.pop(name, None)
        if subscription is None:
            return
        for programme_id in subscription.topic.programme_ids:
            topics = self.by_programme.get(programme_id, {})
            followers = topics.get(subscription.topic, set())
            followers.discard(subscription)
            if not followers:
                topics.pop(subscription.topic, None)

    async def deliver(self, rows: Sequence[Any], position: int) -> None:
        """Offer each committed row to the subscriptions it concerns: whether a topic covers it, and its
        message, decided once per topic; pause every few rows so backlogs drain as a burst goes out."""
        for number, row in enumerate(rows, 1):
            for topic, followers in list(self.by_programme.get(row.programme_id, {}).items()):
                if topic.covers(row):
                    message = topic.update(row)
                    for subscription in list(followers):
                        subscription.offer(row.position, message)
            self.delivered = max(self.delivered, row.position)  # a subscription made at the next pause replays to here
            if number % self.chunk == 0:
                await asyncio.sleep(0)
        self.delivered = max(self.delivered, position)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            beat = json.dumps({"type": "heartbeat", "position": self.delivered})
            for client in list(self.clients):
                client.idle_beats = 0 if client.subscriptions else client.idle_beats + 1
                if client.idle_beats >= self.idle_beats:
                    client.cut_off(IDLE, "no topic followed for a while: closing an idle connection")
                else:
                    client.put(beat)

    # Reading the views (in threads)

    def view_positions(self) -> dict[str, int]:
        """Each view's committed position; the lowest is what an HTTP read is sure to show."""
        return self.audit.database.positions(view.key for view in self.views)

    def _rows(self, topic: Topic, after: int, until: int) -> list[Any]:
        events = self.audit.events
        query = (
            select(events)
            .where(events.c.position > after, events.c.position <= until)
            .where(events.c.programme_id.in_(sorted(topic.programme_ids)))
            .order_by(events.c.position)
        )
        with self.audit.database.engine.connect() as conn:
            return [row for row in conn.execute(query) if topic.covers(row)]

    def _new_rows(self, reader: Connection, after: int, until: int) -> list[Any]:
        try:
            return list(reader.execute(self._new_rows_query, {"after": after, "until": until}))
        finally:
            reader.rollback()  # end the read, so the next one sees what committed since (SQLite keeps a snapshot)

    def _follow(self, delivered: int) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            try:
                wait = self._wakeups()
                try:
                    wait.acquire(self._stopping)
                    backoff = 0.1
                    positions = self.view_positions()  # read once listening, so no later commit goes unheard
                    with self.audit.database.reading() as reader:  # held: no checkout a command
                        while not self._stopping.is_set():
                            delivered = self._hand_over(reader, delivered, min(positions.values()))
                            positions = self._heard(positions, wait.wait(self._stopping))
                finally:
                    wait.close()
            except DATABASE_ERRORS as error:
                log.warning("live updates lost the database (%s); retrying in %.1fs", error, backoff)
            self._stopping.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _heard(self, positions: dict[str, int], announcements: list[str]) -> dict[str, int]:
        """The views' positions after these commit announcements; read afresh after a quiet second (or on
        SQLite, which announces nothing), or when an announcement cannot be read."""
        heard = [announced for text in announcements if (announced := read_announcement(text)) is not None]
        if not heard or len(heard) < len(announcements):
            return self.view_positions()
        return positions | {view: position for view, position in heard if view in positions}

    def _hand_over(self, reader: Connection, delivered: int, committed: int) -> int:
        """Pass every row committed since `delivered` to the event loop; returns the position handed over."""
        while delivered < committed:
            rows = self._new_rows(reader, delivered, committed)
            reached = rows[-1].position if len(rows) == BATCH else committed
            assert self._loop is not None
            handed = asyncio.run_coroutine_threadsafe(self.deliver(rows, reached), self._loop)
            while not self._stopping.is_set():
                try:
                    handed.result(timeout=1.0)
                    break
                except TimeoutError:
                    continue
            delivered = reached
        return delivered

    def _wakeups(self) -> Listening | ViewCommits:
        database = self.audit.database
        if database.is_sqlite:
            return ViewCommits(self.audit.wait_for_commit)
        return Listening(database.url, database.schema or "public", database.views_channel, lock=False)


class ViewCommits:
    """SQLite: this process projects, so wait for its view batches to commit (or a second, to look anyway)."""

    def __init__(self, wait_for_commit: Callable[[float], None]) -> None:
        self.wait_for_commit = wait_for_commit

    def acquire(self, stopping: threading.Event) -> bool:
        """Nothing to lock or listen to."""
        return True

    def wait(self, stopping: threading.Event) -> list[str]:
        """Return after the next commit, or a second; SQLite announces nothing, so no announcements."""
        self.wait_for_commit(1.0)
        return []

    def close(self) -> None:
        """Release nothing."""
