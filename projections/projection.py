"""The base of every read model's projection: a function of (event, tracking) into its view."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, Generic, TypeVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

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
