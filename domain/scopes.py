"""Where a load stands: in a command scope, whose loads catch the aggregate cache up with the log once, whether
loads go past the cache, and whether they may read the store at all (see domain/repository.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Scope:
    """One command's (or HTTP request's) loads: whether the cache has caught up with the log for them yet."""

    caught_up: bool = False


_scope: ContextVar[Scope | None] = ContextVar("command_scope", default=None)
_uncached: ContextVar[bool] = ContextVar("uncached", default=False)
_at_hand: ContextVar[bool] = ContextVar("at_hand_only", default=False)


class NotAtHandError(Exception):
    """A load inside `at_hand_only()` would have had to read the store."""


def current_scope() -> Scope | None:
    """The command scope loads are in, if any."""
    return _scope.get()


def is_uncached() -> bool:
    """True within `uncached()`."""
    return _uncached.get()


@contextmanager
def command_scope() -> Iterator[None]:
    """Within this, aggregate loads catch the cache up with the log once (the first load), not once each. Scopes
    nest: an inner one is the outer one."""
    if _scope.get() is not None:
        yield
        return
    token = _scope.set(Scope())
    try:
        yield
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


@contextmanager
def at_hand_only() -> Iterator[None]:
    """Within this, a load uses only what the process holds (a cached aggregate, this scope having caught up) and
    raises NotAtHandError where it would read the store: so a check can run where waiting on the database must not,
    on an event loop, and run again where it may wait if it has to."""
    token = _at_hand.set(True)
    try:
        yield
    finally:
        _at_hand.reset(token)


def may_read_store() -> None:
    """NotAtHandError inside `at_hand_only()`; nothing otherwise. Called where a load is about to read the store."""
    if _at_hand.get():
        raise NotAtHandError
