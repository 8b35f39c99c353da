"""The base of every read model's projection: a function of (event, tracking) into its view."""

from __future__ import annotations

import inspect
from functools import cache, singledispatchmethod
from typing import Any, ClassVar, Generic, TypeVar

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

    # True for a view that every event changes, whatever its type (the audit trail's row per event).
    handles_every_event: ClassVar[bool] = False

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Ignore events this view does not need; the batch still tracks them."""

    def handles(self, topic: str) -> bool:
        """Whether an event of this topic can change the view: it has a handler for the event's class (or one of
        its bases). Events it cannot change are neither decoded for it nor applied, though its position moves past
        them. An event whose class cannot be found counts as handled, so that each view stops at it as undecodable."""
        return self.handles_every_event or _handled(type(self), topic)


@cache
def _handled(projection: type, topic: str) -> bool:
    """Whether the projection's `process_event` dispatches the topic's event class to other than its default."""
    dispatcher = getattr(inspect.getattr_static(projection, "process_event"), "dispatcher", None)
    if dispatcher is None:  # not a singledispatchmethod: it may do anything with any event
        return True
    try:
        kind = resolve_topic(topic)
    except Exception:  # noqa: BLE001 - a class no longer found: the event is undecodable, which every view must meet
        return True
    return bool(dispatcher.dispatch(kind) is not dispatcher.dispatch(object))
