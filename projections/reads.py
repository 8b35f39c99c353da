"""How the views are read: every statement standing alone, retried once on a dropped connection, and all of one
scope's reads (an HTTP request's) on one connection.

- On PostgreSQL the reads have an engine of their own (see `ViewDatabase`), whose connections are AUTOCOMMIT and
  read-only from the moment they connect: no read begins or ends a transaction, and nothing switches a pooled
  connection's isolation on checkout and back on return. No read relies on a snapshot across its statements: under
  the READ COMMITTED they ran in before, each statement saw the commits made before it began, as now.
- No connection is pinged on checkout. A statement whose connection turns out to be dropped (a restarted server,
  a terminated backend) is run once more on a fresh one, which is safe for a read.
- Inside `sharing_reads()`, every read of an engine is on one connection, checked out at the first read and
  returned when the scope ends. Its reads may run on several threads in turn (FastAPI's worker threads), never at
  once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from threading import Lock
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError


class ReadConnection(Connection):
    """A connection whose statements, all reads, are run once more on a fresh connection if this one was dropped."""

    def execute(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        retried = False
        while True:
            if self.invalidated:  # end what SQLAlchemy began on the dropped connection: the next statement reconnects
                self.rollback()
            try:
                return super().execute(statement, parameters, execution_options=execution_options)
            except DBAPIError as error:
                if retried or not error.connection_invalidated:
                    raise
                retried = True

    def scalar(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        return self.execute(statement, parameters, execution_options=execution_options).scalar()


Opening = Callable[[], Connection]


class SharedReads:
    """The connections one scope's reads share, one per engine, each checked out at its first read."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._open: dict[Engine, Connection] = {}
        self._users = 0
        self._ended = False

    @contextmanager
    def connection(self, engine: Engine, opening: Opening) -> Iterator[Connection]:
        """The scope's connection to `engine`, checked out with `opening` if it has none yet; once the scope has
        ended (a task it started that outlives it), a connection of the block's own."""
        with self._lock:
            conn = None if self._ended else self._open.get(engine)
            if conn is None and not self._ended:
                conn = self._open[engine] = opening()
            if conn is not None:
                self._users += 1
        if conn is None:
            with opening() as own:
                yield own
            return
        try:
            yield conn
        finally:
            with self._lock:
                self._users -= 1
                idle = self._ended and not self._users
            if idle:
                self._close()

    def put_back(self) -> None:
        """Return the connections to their pools while no read uses them (a request about to wait); the next read
        checks one out again."""
        with self._lock:
            if not self._users:
                self._close()

    def end(self) -> None:
        """The scope is over: return its connections, now or as its last read still running finishes."""
        with self._lock:
            self._ended = True
            idle = not self._users
        if idle:
            self._close()

    def _close(self) -> None:
        opened, self._open = self._open, {}
        for conn in opened.values():
            conn.close()


_shared: ContextVar[SharedReads | None] = ContextVar("corral_shared_reads", default=None)


@contextmanager
def sharing_reads() -> Iterator[SharedReads]:
    """A scope (an HTTP request) whose reads, in this context and those copied from it, share one connection."""
    shared = SharedReads()
    token = _shared.set(shared)
    try:
        yield shared
    finally:
        _shared.reset(token)
        shared.end()


def put_back_reads() -> None:
    """Give this context's shared read connections back to their pools until its next read, if it shares any: for a
    request about to wait (for its body, for the views)."""
    shared = _shared.get()
    if shared is not None:
        shared.put_back()


@contextmanager
def reading_on(engine: Engine, options: dict[str, Any], *, share: bool = True) -> Iterator[Connection]:
    """A read connection to `engine`, with these execution options: the scope's, else (or unless it may `share`)
    one of the block's own."""

    def opening() -> Connection:
        return ReadConnection(engine).execution_options(**options)

    shared = _shared.get() if share else None
    if shared is None:
        with opening() as own:
            yield own
        return
    with shared.connection(engine, opening) as conn:
        yield conn
