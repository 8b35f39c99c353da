"""Where a load stands: in a command scope, whose loads catch the aggregate cache up with the log once, and whether
loads go past the cache (see domain/repository.py)."""

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
