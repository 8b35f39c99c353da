"""A table of functions by event class, filled by a decorator: what an event raises (notices), tells (webhooks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


class ByEventClass(Generic[R]):
    """Functions of (event, facts) giving items of type R, one per event class; an event of no class gives none."""

    def __init__(self) -> None:
        self.functions: dict[type, Callable[[Any, Any], Iterable[R]]] = {}

    def of(self, *kinds: type) -> Callable[[F], F]:
        """Register the decorated function for these event classes."""

        def register(function: F) -> F:
            for kind in kinds:
                self.functions[kind] = function
            return function

        return register

    @property
    def classes(self) -> tuple[type, ...]:
        """The event classes some function is registered for."""
        return tuple(self.functions)

    def __call__(self, event: Any, facts: Any) -> list[R]:
        """What the event's function gives, in its order; nothing for an event of a class no function is for."""
        function = self.functions.get(type(event))
        return [] if function is None else list(function(event, facts))
