"""Keep views caught up with the event log: batched catch-up, then follow new events as they land.

On PostgreSQL the projector takes an advisory lock, so only one process projects at a time,
and LISTENs for the event store's NOTIFY; if the connection drops it reconnects with back-off
and resumes from each view's tracking position. On SQLite it polls.
"""

from __future__ import annotations

import hashlib
import logging
import os
import select
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from time import monotonic
from typing import Any

import psycopg2
import sqlalchemy.exc
from eventsourcing.persistence import PersistenceError
from sqlalchemy.engine import make_url

from domain.application import Corral
from projections.applying import catch_up as catch_up
from projections.faults import Fault, ViewsStuckError
from projections.projection import ViewProjection

log = logging.getLogger("corral.projector")

DATABASE_ERRORS = (psycopg2.Error, sqlalchemy.exc.DBAPIError, PersistenceError, OSError)


def wait_for(
    application_name: str,
    projections: Sequence[ViewProjection[Any]],
    position: int,
    timeout: float = 5.0,
    interrupt: threading.Event | None = None,
) -> None:
    """Block until every view has applied `position`, wherever it is projected; TimeoutError after `timeout`."""
    deadline = monotonic() + timeout
    for projection in projections:
        remaining = max(deadline - monotonic(), 0.0)
        projection.view.wait(application_name, position, timeout=remaining, interrupt=interrupt)


@dataclass(frozen=True)
class Backoff:
    """A delay that starts at `first` and doubles after each failure, up to `most` seconds."""

    first: float
    most: float

    def after(self, delay: float) -> float:
        """The delay after one of `delay` (0 before any)."""
        return min(delay * 2, self.most) if delay else self.first


class Projector:
    """Runs a set of projections for one application, in a thread or in the foreground."""

    def __init__(
        self,
        app: Corral,
        projections: Sequence[ViewProjection[Any]],
        batch_size: int = 1000,
        poll_interval: float = 0.05,
        backoff: Backoff = Backoff(0.1, 5.0),
        fault_backoff: Backoff = Backoff(1.0, 60.0),
        duties: Sequence[Callable[[], None]] = (),
    ) -> None:
        self.app = app
        self.projections = list(projections)
        self.duties = list(duties)  # run after each catch-up, only while this projector is the active one
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.backoff = backoff  # after a lost connection
        self.fault_backoff = fault_backoff  # before a stuck view tries its event again
        self.stopping = Stopping()
        self.active = threading.Event()
        self._thread: threading.Thread | None = None
        url = app.env.get("SQLALCHEMY_URL") or ""
        self._postgres = url.startswith("postgresql")
        self._url = url
        self._schema = app.env.get("SQLALCHEMY_SCHEMA") or "public"
        self._channel = app.env.get("NOTIFY_CHANNEL")  # the event store's, from the settings (Settings.events_channel)
        if self._postgres and not self._channel:
            raise ValueError("the event store's NOTIFY channel is not set: build the application from Settings")
        self._positions: dict[str, int] = {}  # each view's position as the last catch-up left it
        self._faults: dict[str, Fault] = {}  # each stuck view's fault, as recorded
        self._retries: dict[str, tuple[float, float]] = {}  # a stuck view's next try (monotonic) and its delay

    def catch_up(self) -> None:
        """Bring every view to the head of the log, from the positions the last catch-up left them at.

        A view stuck on an event it cannot apply stays before it, logged as an error at every try; it tries again
        after a delay that doubles up to `fault_backoff.most`, while the other views carry on."""
        now = monotonic()
        due = [p for p in self.projections if self._retries.get(p.view.key, (now, 0.0))[0] <= now]
        try:
            catch_up(self.app, due, batch_size=self.batch_size, known=self._positions, faults=self._faults)
        except ViewsStuckError as stuck:
            for fault in stuck.faults:
                _, delay = self._retries.get(fault.view, (0.0, 0.0))
                delay = self.fault_backoff.after(delay)
                self._retries[fault.view] = (monotonic() + delay, delay)
                log.error("%s; it stays before that position and tries again in %.1f s", fault, delay)
        for projection in due:
            key = projection.view.key
            recorded = self._faults.get(key)
            if recorded is not None and self._positions.get(key, 0) >= recorded.position:
                del self._faults[key]  # moved past it meanwhile, by another writer
            if key not in self._faults:
                self._retries.pop(key, None)

    def run(self) -> None:
        """Project until stopped, surviving dropped connections."""
        delay = self.backoff.first
        while not self.stopping.is_set():
            try:
                with self._wakeups() as wakeups, self.stopping.waking(wakeups.wake):
                    if wakeups.acquire(self.stopping):
                        # Read the positions afresh on every (re)start: another projector may have moved the
                        # views meanwhile, or a batch was just refused because another writer had.
                        self._positions.clear()
                        self._faults.clear()
                        self.active.set()
                        delay = self.backoff.first
                        while not self.stopping.is_set():
                            self.catch_up()
                            for duty in self.duties:
                                duty()
                            wakeups.wait(self.stopping, self._until_retry())
            except DATABASE_ERRORS as error:
                log.warning("projector stopped on a database error (%s); retrying in %.1fs", error, delay)
            except Exception:  # noqa: BLE001 - never die silently: say what happened, then start again
                log.exception("projector stopped on an unexpected error; retrying in %.1fs", delay)
            finally:
                self.active.clear()
            self.stopping.wait(delay)
            delay = self.backoff.after(delay)

    def _until_retry(self) -> float:
        """Seconds until a stuck view is due to try again (at most one: a wakeup waits no longer anyway)."""
        if not self._retries:
            return 1.0
        return min(1.0, max(0.0, min(when for when, _ in self._retries.values()) - monotonic()))

    def start(self) -> Projector:
        """Run in a background thread (the embedded mode)."""
        self._thread = threading.Thread(target=self.run, name="corral-projector", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wait(self, position: int, timeout: float = 5.0) -> None:
        """Block until every view has applied `position`, or raise TimeoutError (read-your-writes)."""
        wait_for(self.app.name, self.projections, position, timeout, interrupt=self.stopping)

    @contextmanager
    def _wakeups(self) -> Iterator[Polling | Listening]:
        if not self._postgres:
            yield Polling(self.poll_interval, self.app.recorded)
            return
        assert self._channel is not None
        listening = Listening(self._url, self._schema, self._channel)
        try:
            yield listening
        finally:
            listening.close()


class Stopping(threading.Event):
    """Set to stop a worker thread; setting it also wakes what the thread is waiting on, so it stops at once
    instead of at the end of its wait (a server's shutdown, and every test's, waited a second for each)."""

    def __init__(self) -> None:
        super().__init__()
        self._wakers: list[Callable[[], None]] = []

    def set(self) -> None:
        """Stop, and wake the waits."""
        super().set()
        for wake in list(self._wakers):
            wake()

    @contextmanager
    def waking(self, wake: Callable[[], None]) -> Iterator[None]:
        """While the block runs, stopping calls `wake`."""
        self._wakers.append(wake)
        try:
            yield
        finally:
            self._wakers.remove(wake)


class Polling:
    """SQLite cannot notify: look every `interval` seconds, or at once when this process saves."""

    def __init__(self, interval: float, recorded: threading.Event) -> None:
        self.interval = interval
        self.recorded = recorded

    def acquire(self, stopping: threading.Event) -> bool:
        """One process per SQLite file: nothing to lock."""
        return True

    def wait(self, stopping: threading.Event, most: float = 1.0) -> None:
        """Sleep until the next look, or `most` seconds if sooner."""
        if self.recorded.wait(min(self.interval, most)):
            self.recorded.clear()

    def wake(self) -> None:
        """End the sleep now."""
        self.recorded.set()


class Listening:
    """PostgreSQL: wait for NOTIFY on a channel (and any `also` given); the projector also holds its advisory
    lock while it listens."""

    def __init__(self, url: str, schema: str, channel: str, lock: bool = True, also: Sequence[str] = ()) -> None:
        self.conn = psycopg2.connect(**make_url(url).translate_connect_args(username="user", database="dbname"))
        self.conn.autocommit = True
        self._woken, self._waker = os.pipe()  # written to end a wait at once (to stop)
        self._closing = threading.Lock()
        self.channels = [*also, channel]  # `channel` last: pg_stat_activity shows `LISTEN <channel>` as its query
        digest = hashlib.sha256(f"corral-projector/{schema}".encode()).digest()
        self.lock_key = int.from_bytes(digest[:8], "big", signed=True) if lock else None

    def acquire(self, stopping: threading.Event) -> bool:
        """Wait for the lock (another projector may hold it), then LISTEN; False if stopped first."""
        with self.conn.cursor() as cursor:
            while self.lock_key is not None:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", (self.lock_key,))
                if cursor.fetchone()[0]:
                    break
                if stopping.wait(1.0):
                    return False
            for channel in self.channels:
                cursor.execute(f"LISTEN {channel}")
        return True

    def wait(self, stopping: threading.Event, most: float = 1.0) -> list[tuple[str, str]]:
        """Return when events may have landed, or after `most` seconds regardless: the channels and payloads heard."""
        ready = select.select([self.conn, self._woken], [], [], most)[0]
        if self._woken in ready:
            os.read(self._woken, 64)
        if self.conn not in ready:
            return []
        self.conn.poll()
        heard = [(notification.channel, notification.payload) for notification in self.conn.notifies]
        self.conn.notifies.clear()
        return heard

    def wake(self) -> None:
        """End a wait now."""
        with self._closing:
            if not self.conn.closed:
                os.write(self._waker, b"!")

    def close(self) -> None:
        """Release the lock by closing the session."""
        with self._closing:
            self.conn.close()
            os.close(self._woken)
            os.close(self._waker)
