"""Where a load stands: in a command scope, whose loads catch the aggregate cache up with the log once, and whether
loads go past the cache (see domain/repository.py).

A use case's own scope is optimistic: while this process's cache is at the log's head as far as it knows, the use
case decides on the cache as it stands, without reading the log first, and its save asks the store to refuse it
(ReadsMovedOn) if any aggregate it read has an event after the cache position it was read at; a use case that ends
without saving reads the log then, and either way the use case runs again, caught up, if what it read had moved on.
A save of the same aggregates this process itself began after the use case stood on the cache is a concurrent change,
named as such (ConcurrentChangeError), as when two requests race. A save by another process since the cache last
heard of the log cannot be told from one made while the use case ran: the use case runs again on it.
A scope that reads first and decides later (an HTTP request: its actor is checked before its command) catches up
first, as before."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from uuid import UUID


Reads = Mapping[UUID, int]  # each aggregate read (or found absent), with the cache position it was read at


class ReadsMovedOn(Exception):
    """An aggregate a use case read had changed, or come to be, since it was read: the use case runs again, caught up
    with the log."""


@dataclass
class Scope:
    """One command's (or HTTP request's) loads: whether the cache has caught up with the log for them yet; and, while
    it is `checking`, the position it stood on and each aggregate read (or found absent) with the position it was
    read at."""

    caught_up: bool = False
    optimistic: bool = False  # its first load may stand on the cache as it is, to be checked as it saves
    checking: bool = False
    stands_on: int = 0
    saves_seen: int = 0  # how many saves this process had begun when the scope stood on the cache
    read: dict[UUID, int] = field(default_factory=dict)

    def stand_on(self, position: int, saves_begun: int) -> None:
        """Decide on the cache as it is, at this position, with so many saves begun in this process: what is read
        from now on is checked."""
        self.caught_up = self.checking = True
        self.optimistic, self.stands_on, self.saves_seen = False, position, saves_begun

    def checked(self) -> None:
        """The reads were found to stand (or the scope caught up instead): nothing more to check."""
        self.checking, self.optimistic = False, False
        self.read = {}

    def again(self) -> None:
        """Start over, to catch up at the first load: the use case runs again."""
        self.checked()
        self.caught_up = False


_scope: ContextVar[Scope | None] = ContextVar("command_scope", default=None)
_uncached: ContextVar[bool] = ContextVar("uncached", default=False)


def current_scope() -> Scope | None:
    """The command scope loads are in, if any."""
    return _scope.get()


def reads_to_check() -> Reads | None:
    """What the current scope read, each with the position it was read at, if a save must have the store check it."""
    scope = _scope.get()
    if scope is None or not scope.checking:
        return None
    return dict(scope.read)


def is_uncached() -> bool:
    """True within `uncached()`."""
    return _uncached.get()


@contextmanager
def command_scope(*, optimistic: bool = False) -> Iterator[Scope | None]:
    """Within this, aggregate loads catch the cache up with the log once (the first load), not once each; an
    `optimistic` scope's first load may stand on the cache as it is instead (see above). Scopes nest: an inner one is
    the outer one, and yields None."""
    if _scope.get() is not None:
        yield None
        return
    scope = Scope(optimistic=optimistic)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


@contextmanager
def uncached() -> Iterator[None]:
    """Within this, loads read the store, past the cache: for commands whose saves join a transaction their caller
    holds, in which they must see what they saved before it commits (the cache reads only what has committed)."""
    token = _uncached.set(True)
    try:
        yield
    finally:
        _uncached.reset(token)
