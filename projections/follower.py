"""Follow the views' commits: learn that the views committed a batch, read the audit rows it added, hand them over.

A thread of its own is woken by PostgreSQL NOTIFY on the views' channel (sent in each view batch's transaction, so
only on commit, from whichever process projects) or, on SQLite, by this process's own projector, with a look every
second regardless. It reads the audit rows committed since the last hand-over (up to the lowest view's position, so
never ahead of what a read of any view shows) and hands them to `deliver` on the event loop that started it, in
order, a batch at a time, waiting for each before the next. Any further channels (`also`) are LISTENed on the same
connection, and what they carry is handed over ahead of any row handed over after it.

Before it reads, it asks `passes` (on the event loop) whether anyone there needs the rows: while no one does (no
socket is open), the position moves on unread, which spares the process a read and a hand-over at every commit.

Nothing here knows of websockets: the live fan-out (api/live/hub.py) gives the callbacks.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Collection, Coroutine, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, bindparam, or_, select
from sqlalchemy.engine import Connection

from projections.audit.view import AuditView
from projections.database import read_announcement
from projections.wakeups import DATABASE_ERRORS, Listening, Stopping
from projections.view import View

log = logging.getLogger("corral.live")

BATCH = 1000
THREAD = "corral-live"  # the follower's thread: it reads the views' positions every quiet second
T = TypeVar("T")

Deliver = Callable[[list[Any], int], Coroutine[Any, Any, None]]  # the rows, and the position they reach
Heard = Callable[[list[str]], None]  # the payloads heard on one of the further channels
Passes = Callable[[int], Coroutine[Any, Any, bool]]  # True: it moved on to the position, no rows needed


class Follower:
    """Follows the views: `deliver` takes each batch of audit rows naming a programme (or of an `unscoped`
    aggregate type, which names none), unless `passes` moved on to where they reach without them; each of `also`'s
    callbacks what its channel carried, and `resumed` runs whenever it starts listening again, when it may have
    missed some of those."""

    def __init__(
        self,
        audit: AuditView,
        views: Sequence[View],
        deliver: Deliver,
        *,
        unscoped: Collection[str] = (),
        also: Mapping[str, Heard] | None = None,
        resumed: Callable[[], Coroutine[Any, Any, None]] | None = None,
        passes: Passes | None = None,
    ) -> None:
        self.audit, self.views, self.deliver, self.passes = audit, list(views), deliver, passes
        self.also, self.resumed = dict(also or {}), resumed
        self.stopping = Stopping()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        events = audit.events
        wanted: ColumnElement[bool] = events.c.programme_id.is_not(None)
        if unscoped:
            wanted = or_(wanted, events.c.aggregate_type.in_(sorted(unscoped)))
        self._new_rows_query = (  # built once: it runs after every command
            select(events)
            .where(events.c.position > bindparam("after"), events.c.position <= bindparam("until"), wanted)
            .order_by(events.c.position)
            .limit(BATCH)
        )

    def start(self, delivered: int) -> None:
        """Follow from `delivered`, handing rows to the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._follow, args=(delivered,), name=THREAD, daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Stop following."""
        self.stopping.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 5)

    def view_positions(self) -> dict[str, int]:
        """Each view's committed position; the lowest is what a read of every view is sure to show."""
        return self.audit.database.positions(view.key for view in self.views)

    def _follow(self, delivered: int) -> None:
        backoff = 0.1
        while not self.stopping.is_set():
            try:
                wait = self._wakeups()
                try:
                    with self.stopping.waking(wait.wake):
                        wait.acquire(self.stopping)
                        backoff = 0.1
                        if self.resumed is not None:
                            asyncio.run_coroutine_threadsafe(self.resumed(), self._running_loop())
                        positions = self.view_positions()  # read once listening, so no later commit goes unheard
                        with self.audit.database.reading() as reader:  # held: no checkout a command
                            while not self.stopping.is_set():
                                delivered = self._hand_over(reader, delivered, min(positions.values()))
                                positions = self._heard(positions, wait.wait(self.stopping))
                finally:
                    wait.close()
            except DATABASE_ERRORS as error:
                log.warning("live updates lost the database (%s); retrying in %.1fs", error, backoff)
            self.stopping.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _heard(self, positions: dict[str, int], notifications: list[tuple[str, str]]) -> dict[str, int]:
        """Pass on what the further channels carried; then the views' positions after the commit announcements
        heard, read afresh after a quiet second (or on SQLite, which announces nothing), or when one cannot be read."""
        for channel, heard in self.also.items():
            payloads = [payload for name, payload in notifications if name == channel]
            if payloads:  # before any row handed over after it
                self._running_loop().call_soon_threadsafe(heard, payloads)
        announcements = [payload for channel, payload in notifications if channel not in self.also]
        read = [announced for text in announcements if (announced := read_announcement(text)) is not None]
        if not read or len(read) < len(announcements):
            return self.view_positions()
        return positions | {view: position for view, position in read if view in positions}

    def _hand_over(self, reader: Connection, delivered: int, committed: int) -> int:
        """Pass every row committed since `delivered` to the event loop, unless no one there needs them; returns the
        position handed over."""
        if delivered < committed and self.passes is not None and self._on_loop(self.passes(committed)):
            return committed
        while delivered < committed:
            rows = self._new_rows(reader, delivered, committed)
            reached = rows[-1].position if len(rows) == BATCH else committed
            self._on_loop(self.deliver(rows, reached))
            delivered = reached
        return delivered

    def _on_loop(self, work: Coroutine[Any, Any, T]) -> T | None:
        """What the work gives, run on the event loop, waited for (None if stopped meanwhile)."""
        handed = asyncio.run_coroutine_threadsafe(work, self._running_loop())
        while not self.stopping.is_set():
            try:
                return handed.result(timeout=1.0)
            except TimeoutError:
                continue
        return None

    def _new_rows(self, reader: Connection, after: int, until: int) -> list[Any]:
        try:
            return list(reader.execute(self._new_rows_query, {"after": after, "until": until}))
        finally:
            reader.rollback()  # end the read, so the next one sees what committed since (SQLite keeps a snapshot)

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None, "start() first"
        return self._loop

    def _wakeups(self) -> Listening | ViewCommits:
        database = self.audit.database
        if database.is_sqlite:
            return ViewCommits(self.audit.wait_for_commit, self.audit.wake)
        return Listening(database.url, database.views_channel, also=list(self.also))


class ViewCommits:
    """SQLite: this process projects, so wait for its view batches to commit (or a second, to look anyway)."""

    def __init__(self, wait_for_commit: Callable[[float], None], wake: Callable[[], None]) -> None:
        self.wait_for_commit = wait_for_commit
        self.wake = wake  # ends a wait now

    def acquire(self, stopping: threading.Event) -> bool:
        """Nothing to lock or listen to."""
        return True

    def wait(self, stopping: threading.Event) -> list[tuple[str, str]]:
        """Return after the next commit, or a second; SQLite announces nothing, so no announcements."""
        self.wait_for_commit(1.0)
        return []

    def close(self) -> None:
        """Release nothing."""
