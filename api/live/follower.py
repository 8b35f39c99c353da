"""The live hub's thread: it follows the views' committed position and hands the new audit rows to the event loop.

It is woken by PostgreSQL NOTIFY (sent in each view batch's transaction, so only on commit, from whichever
process projects) or, on SQLite, by this process's own projector. It reads the rows committed since the last
hand-over, including each account's changes (which name no programme), and hands them over in order, a batch
at a time, waiting for each before the next. On PostgreSQL it also LISTENs for sign-outs (`RevokedTokens`), made
by any server process, and passes them on ahead of any row it hands over later.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.engine import Connection

from api.live.guard import ACCOUNT
from projections.audit.view import AuditView
from projections.database import read_announcement
from projections.runner import DATABASE_ERRORS, Listening
from projections.view import View

log = logging.getLogger("corral.live")

BATCH = 1000

Deliver = Callable[[list[Any], int], Coroutine[Any, Any, None]]


class Follower:
    """Follows the views for a hub: `deliver` (a coroutine) takes each batch of rows, `revoked` each sign-out
    heard, and `resumed` runs whenever it starts listening again, when it may have missed some."""

    def __init__(
        self,
        audit: AuditView,
        views: Sequence[View],
        revocations_channel: str,
        deliver: Deliver,
        revoked: Callable[[list[str]], None],
        resumed: Callable[[], Coroutine[Any, Any, None]],
    ) -> None:
        self.audit, self.views, self.revocations_channel = audit, list(views), revocations_channel
        self.deliver, self.revoked, self.resumed = deliver, revoked, resumed
        self.stopping = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        events = audit.events
        self._new_rows_query = (  # built once: it runs after every command
            select(events)
            .where(events.c.position > bindparam("after"), events.c.position <= bindparam("until"))
            .where(or_(events.c.programme_id.is_not(None), events.c.aggregate_type == ACCOUNT))
            .order_by(events.c.position)
            .limit(BATCH)
        )

    def start(self, delivered: int) -> None:
        """Follow from `delivered`, handing rows to the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._follow, args=(delivered,), name="corral-live", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Stop following."""
        self.stopping.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 5)

    def view_positions(self) -> dict[str, int]:
        """Each view's committed position; the lowest is what an HTTP read is sure to show."""
        return self.audit.database.positions(view.key for view in self.views)

    def _follow(self, delivered: int) -> None:
        backoff = 0.1
        while not self.stopping.is_set():
            try:
                wait = self._wakeups()
                try:
                    wait.acquire(self.stopping)
                    backoff = 0.1
                    assert self._loop is not None
                    asyncio.run_coroutine_threadsafe(self.resumed(), self._loop)
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
        """Pass on the sign-outs heard; then the views' positions after the commit announcements heard, read
        afresh after a quiet second (or on SQLite, which announces nothing), or when one cannot be read."""
        revoked = [payload for channel, payload in notifications if channel == self.revocations_channel]
        if revoked:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self.revoked, revoked)  # before any row handed over after it
        announcements = [payload for channel, payload in notifications if channel != self.revocations_channel]
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
            while not self.stopping.is_set():
                try:
                    handed.result(timeout=1.0)
                    break
                except TimeoutError:
                    continue
            delivered = reached
        return delivered

    def _new_rows(self, reader: Connection, after: int, until: int) -> list[Any]:
        try:
            return list(reader.execute(self._new_rows_query, {"after": after, "until": until}))
        finally:
            reader.rollback()  # end the read, so the next one sees what committed since (SQLite keeps a snapshot)

    def _wakeups(self) -> Listening | ViewCommits:
        database = self.audit.database
        if database.is_sqlite:
            return ViewCommits(self.audit.wait_for_commit)
        schema = database.schema or "public"
        return Listening(database.url, schema, database.views_channel, lock=False, also=[self.revocations_channel])


class ViewCommits:
    """SQLite: this process projects, so wait for its view batches to commit (or a second, to look anyway)."""

    def __init__(self, wait_for_commit: Callable[[float], None]) -> None:
        self.wait_for_commit = wait_for_commit

    def acquire(self, stopping: threading.Event) -> bool:
        """Nothing to lock or listen to."""
        return True

    def wait(self, stopping: threading.Event) -> list[tuple[str, str]]:
        """Return after the next commit, or a second; SQLite announces nothing, so no announcements."""
        self.wait_for_commit(1.0)
        return []

    def close(self) -> None:
        """Release nothing."""
