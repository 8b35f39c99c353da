"""The base of every read model's projection: a function of (event, tracking) into its view."""

from __future__ import annotations

import inspect
from functools import cache, singledispatchmethod
from typing import Any, Generic, TypeVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import resolve_topic

from projections.view import View

V = TypeVar("V", bound=View)


class ViewProjection(Projection[V], Generic[V]):
    """Subclasses register a handler per event type; an event without one changes nothing.

    Handlers write through `self.view.conn`, inside the batch the runner opened, so the
    view change and the tracking position commit together.
    """

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Ignore events this view does not need; the batch still tracks them."""

    @classmethod
    def default_acts_on(cls) -> tuple[type, ...]:
        """The event classes (and their subclasses) that the default `process_event` acts on, beside those with
        handlers of their own. Every event, unless a projection whose default ignores some says which it does not."""
        return (object,)

    def handles(self, topic: str) -> bool:
        """Whether an event of this topic can change the view: `process_event` has a handler for its class (or a
        base), or its default acts on it. Events it cannot change are neither decoded for it nor applied, though its
        position moves past them. An event whose class cannot be found counts as handled: each view stops at it."""
        return _handled(type(self), topic)


@cache
def _handled(projection: type[ViewProjection[Any]], topic: str) -> bool:
    """Whether the projection's `process_event` acts on the topic's event class (see `ViewProjection.handles`)."""
    dispatcher = getattr(inspect.getattr_static(projection, "process_event"), "dispatcher", None)
    if dispatcher is None:  # not a singledispatchmethod: it may do anything with any event
        return True
    try:
        kind = resolve_topic(topic)
    except Exception:  # noqa: BLE001 - a class no longer found: the event is undecodable, which every view must meet
        return True
    return issubclass(kind, projection.default_acts_on()) or dispatcher.dispatch(kind) is not dispatcher.dispatch(
        object
    )
