"""Keep views caught up with the event log: batched catch-up, then follow new events as they land.

On PostgreSQL the projector takes an advisory lock, so only one process projects at a time,
and LISTENs for the event store's NOTIFY; if the connection drops it reconnects with back-off
and resumes from each view's tracking position. On SQLite it polls.
"""

from __future__ import annotations

import hashlib
import logging
import select
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from time import monotonic
from typing import Any

import psycopg2
import sqlalchemy.exc
from eventsourcing.persistence import PersistenceError, Tracking
from sqlalchemy.engine import make_url

from domain.application import Corral
from projections.database import ViewDatabase
from projections.projection import ViewProjection

log = logging.getLogger("corral.projector")

DATABASE_ERRORS = (psycopg2.Error, sqlalchemy.exc.DBAPIError, PersistenceError, OSError)
# A catch-up of this many events or more (a rebuild, a new view) ends by analyzing the view's tables, so
# the reads are not planned on the statistics of empty tables until autovacuum, if it is on, comes round.
BULK_EVENTS = 10_000


def catch_up(
    app: Corral,
    projections: ViewProjection[Any] | Sequence[ViewProjection[Any]],
    until: int | None = None,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
    known: dict[str, int] | None = None,
) -> int:
    """Apply every event after each view's position up to `until` (default: the head), a batch per transaction.

    Each batch of the log is read and decoded once and applied to every view that still needs it; a batch
    shorter than `batch_size` reached the head. A view that applied `BULK_EVENTS` or more is analyzed at the end.
    Returns the lowest position the views reached.

    The views' positions are read first, unless `known` has them (by view key): a caller that catches up again
    and again keeps them there, updated as batches commit. A position that another writer has moved since
    fails its batch's transaction (see `_apply`), after which the caller should forget what it knew.
    """
    group = [projections] if isinstance(projections, ViewProjection) else list(projections)
    if not group:
        return 0
    database = group[0].view.database
    if any(p.view.database is not database for p in group):
        raise ValueError("views caught up together live in one database")
    positions = {} if known is None else known  # by view key, updated as batches commit
    keys = [p.view.key for p in group]
    if any(key not in positions for key in keys):
        positions.update(database.positions(keys))
    started = {key: positions[key] for key in keys}
    while until is None or min(positions[key] for key in keys) < until:
        start = min(positions[key] for key in keys)
        notifications = app.recorder.select_notifications(start=start + 1, limit=batch_size, stop=until)
        if not notifications:
            break
        events = [(n.id, app.mapper.to_domain_event(n)) for n in notifications]
        last = notifications[-1].id
        behind = [p for p in group if positions[p.view.key] < last]
        positions.update(_apply(app, database, behind, events, positions))
        if on_batch is not None:
            on_batch(len(events))
        if len(notifications) < batch_size:
            break
    for projection in group:
        if positions[projection.view.key] - started[projection.view.key] >= BULK_EVENTS:
            projection.view.analyze()
    return min(positions[key] for key in keys)


def _apply(
    app: Corral,
    database: ViewDatabase,
    projections: Sequence[ViewProjection[Any]],
    events: list[tuple[int, Any]],
    positions: dict[str, int],
) -> dict[str, int]:
    """In one transaction, every view's batch from the position it was read at: the events it has not yet
    applied, then its new position, which fails the whole transaction if another writer moved it meanwhile;
    then one announcement of every view that moved. Returns the positions reached, by view key.

    The batches end after the transaction commits, so a view remembers only the lookups that committed."""
    reached = {}
    with ExitStack() as batches, database.transaction() as conn:
        for projection in projections:
            start = batches.enter_context(projection.view.batch(conn, positions[projection.view.key]))
            applied = [(position, event) for position, event in events if position > start]
            for position, event in applied:
                projection.process_event(event, Tracking(app.name, position))
            if applied:
                projection.view.insert_tracking(Tracking(app.name, applied[-1][0]), announce=False)
                reached[projection.view.key] = applied[-1][0]
        database.announce(conn, reached)
    return reached


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


class Projector:
    """Runs a set of projections for one application, in a thread or in the foreground."""

    def __init__(
        self,
        app: Corral,
        projections: Sequence[ViewProjection[Any]],
        batch_size: int = 1000,
        poll_interval: float = 0.05,
    ) -> None:
        self.app = app
        self.projections = list(projections)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.stopping = threading.Event()
        self.active = threading.Event()
        self._thread: threading.Thread | None = None
        url = app.env.get("SQLALCHEMY_URL") or ""
        self._postgres = url.startswith("postgresql")
        self._url = url
        self._schema = app.env.get("SQLALCHEMY_SCHEMA") or "public"
        self._positions: dict[str, int] = {}  # each view's position as the last catch-up left it

    def catch_up(self) -> None:
        """Bring every view to the head of the log, from the positions the last catch-up left them at."""
        catch_up(self.app, self.projections, batch_size=self.batch_size, known=self._positions)

    def run(self) -> None:
        """Project until stopped, surviving dropped connections."""
        backoff = 0.1
        while not self.stopping.is_set():
            try:
                with self._wakeups() as wakeups:
                    if wakeups.acquire(self.stopping):
                        # Read the positions afresh on every (re)start: another projector may have moved the
                        # views meanwhile, or a batch was just refused because another writer had.
                        self._positions.clear()
                        self.active.set()
                        backoff = 0.1
                        while not self.stopping.is_set():
                            self.catch_up()
                            wakeups.wait(self.stopping)
            except DATABASE_ERRORS as error:
                log.warning("projector stopped on a database error (%s); retrying in %.1fs", error, backoff)
            finally:
                self.active.clear()
            self.stopping.wait(backoff)
            backoff = min(backoff * 2, 5.0)

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
        listening = Listening(self._url, self._schema, self.app.recorder.channel_name)  # type: ignore[attr-defined]
        try:
            yield listening
        finally:
            listening.close()


class Polling:
    """SQLite cannot notify: look every `interval` seconds, or at once when this process saves."""

    def __init__(self, interval: float, recorded: threading.Event) -> None:
        self.interval = interval
        self.recorded = recorded

    def acquire(self, stopping: threading.Event) -> bool:
        """One process per SQLite file: nothing to lock."""
        return True

    def wait(self, stopping: threading.Event) -> None:
        """Sleep until the next look."""
        if self.recorded.wait(self.interval):
            self.recorded.clear()


class Listening:
    """PostgreSQL: wait for NOTIFY on a channel (and any `also` given); the projector also holds its advisory
    lock while it listens."""

    def __init__(self, url: str, schema: str, channel: str, lock: bool = True, also: Sequence[str] = ()) -> None:
        self.conn = psycopg2.connect(**make_url(url).translate_connect_args(username="user", database="dbname"))
        self.conn.autocommit = True
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

    def wait(self, stopping: threading.Event) -> list[tuple[str, str]]:
        """Return when events may have landed, or after a second regardless: the channels and payloads heard."""
        if not select.select([self.conn], [], [], 1.0)[0]:
            return []
        self.conn.poll()
        heard = [(notification.channel, notification.payload) for notification in self.conn.notifies]
        self.conn.notifies.clear()
        return heard

    def close(self) -> None:
        """Release the lock by closing the session."""
        self.conn.close()
