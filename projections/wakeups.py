"""What a worker thread waits on between rounds: NOTIFY on PostgreSQL, a short sleep on SQLite; and the event that
stops it, which also ends its wait at once."""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import psycopg2
import sqlalchemy.exc
from eventsourcing.persistence import PersistenceError
from sqlalchemy.engine import make_url

from projections.connections import connection_options

DATABASE_ERRORS = (psycopg2.Error, sqlalchemy.exc.DBAPIError, PersistenceError, OSError)


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
        """Nothing to listen to."""
        return True

    def wait(self, stopping: threading.Event, most: float = 1.0) -> None:
        """Sleep until the next look, or `most` seconds if sooner."""
        if self.recorded.wait(min(self.interval, most)):
            self.recorded.clear()

    def wake(self) -> None:
        """End the sleep now."""
        self.recorded.set()


class Listening:
    """PostgreSQL: wait for NOTIFY on a channel (and any `also` given), on a session named like this process's."""

    def __init__(self, url: str, channel: str, also: Sequence[str] = ()) -> None:
        connect_args = make_url(url).translate_connect_args(username="user", database="dbname")
        self.conn = psycopg2.connect(**(connect_args | connection_options()))
        self.conn.autocommit = True
        self._woken, self._waker = os.pipe()  # written to end a wait at once (to stop)
        self._closing = threading.Lock()
        self.channels = [*also, channel]  # `channel` last: pg_stat_activity shows `LISTEN <channel>` as its query

    def acquire(self, stopping: threading.Event) -> bool:
        """LISTEN on the channels."""
        with self.conn.cursor() as cursor:
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
        """Close the session."""
        with self._closing:
            self.conn.close()
            os.close(self._woken)
            os.close(self._waker)
