"""What every use case shares: loading aggregates by id, and saving them with conflicts named."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.persistence import IntegrityError, Recording

from domain.clock import Clock, UKClock
from domain.errors import AlreadyExistsError, ConcurrentChangeError, NotFoundError, StaleVersionError

A = TypeVar("A", bound=Aggregate)


def _named(cls: type[Aggregate]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()


def require_version(aggregate: Aggregate, expected_version: int | None) -> None:
    """StaleVersionError unless the aggregate is still at the version the caller last saw (0: not there yet)."""
    if expected_version is not None and aggregate.version != expected_version:
        raise StaleVersionError(
            f"the {_named(type(aggregate))} is at version {aggregate.version}, not {expected_version}: "
            "reload it and try again"
        )


@dataclass(frozen=True)
class Recorded:
    """What a command changed: the aggregate, its new version, and the log position reached."""

    id: UUID
    version: int
    position: int


class EventSourcedService(Application[UUID]):
    """An eventsourcing Application whose saves report the log position and name conflicts."""

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self.recorded = threading.Event()
        self.clock = clock or UKClock()

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save, then tell anything waiting in this process (e.g. an embedded projector) that the log grew."""
        recordings = super().save(*objs, **kwargs)
        self.recorded.set()
        return recordings

    def _get(
        self, cls: type[A], aggregate_id: UUID, version: int | None = None, expected_version: int | None = None
    ) -> A:
        """The aggregate (as it was at `version`); StaleVersionError if it has moved on from `expected_version`."""
        try:
            aggregate: object = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise NotFoundError(f"there is no {_named(cls)} with that id") from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"there is no {_named(cls)} with that id")
        require_version(aggregate, expected_version)
        return aggregate

    def _find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        try:
            return self._get(cls, aggregate_id)
        except NotFoundError:
            return None

    def _create(self, aggregate: Aggregate, *others: Aggregate, message: str = "") -> Recorded:
        try:
            return self._save(aggregate, *others)
        except ConcurrentChangeError:
            what = type(aggregate).__name__.lower()
            raise AlreadyExistsError(message or f"this {what} already exists") from None

    def _save(self, primary: Aggregate, *others: Aggregate | CanMutateAggregate[UUID]) -> Recorded:
        """Save the aggregates (or events already collected from them, in their order) in one transaction."""
        try:
            recordings = self.save(primary, *others)
        except IntegrityError:
            raise ConcurrentChangeError("someone else changed this first: reload and try again") from None
        position = recordings[-1].notification.id if recordings else self.recorder.max_notification_id() or 0
        return Recorded(primary.id, primary.version, position)
