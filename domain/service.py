"""What every use case shares: loading aggregates by id, and saving them with conflicts named."""

from __future__ import annotations

import functools
import inspect
import re
import threading
from dataclasses import dataclass
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.persistence import IntegrityError, Recording

from domain.clock import Clock, UKClock
from domain.errors import AlreadyExistsError, ConcurrentChangeError, NotFoundError, StaleVersionError
from domain.repository import LogFollowingRepository
from domain.scopes import command_scope

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")


def _named(cls: type[Aggregate]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", cls.__name__).lower()


def require_version(aggregate: Aggregate, expected_version: int | None) -> None:
    """StaleVersionError unless the aggregate is still at the version the caller last saw (0: not there yet)."""
    if expected_version is not None and aggregate.version != expected_version:
        raise StaleVersionError(
            f"the {_named(type(aggregate))} is at version {aggregate.version}, not {expected_version}: "
            "reload it and try again"
        )


def _in_command_scope(use_case: Callable[..., R]) -> Callable[..., R]:
    @functools.wraps(use_case)
    def scoped(*args: Any, **kwargs: Any) -> R:
        with command_scope():
            return use_case(*args, **kwargs)

    return scoped


def _id_of(saved: Aggregate | CanMutateAggregate[UUID]) -> UUID:
    return saved.id if isinstance(saved, Aggregate) else saved.originator_id


@dataclass(frozen=True)
class Recorded:
    """What a command changed: the aggregate, its new version, and the log position reached."""

    id: UUID
    version: int
    position: int


class EventSourcedService(Application[UUID]):
    """An eventsourcing Application whose saves report the log position and name conflicts. Every public method a
    family of use cases defines runs in a command scope: its loads catch the aggregate cache up with the log once."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and inspect.isfunction(member):
                setattr(cls, name, _in_command_scope(member))

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self.recorded = threading.Event()
        self.clock = clock or UKClock()

    @property
    def repository(self) -> LogFollowingRepository:
        repository = super().repository
        assert isinstance(repository, LogFollowingRepository)
        return repository

    def construct_repository(self) -> LogFollowingRepository:
        """Aggregates cached in this process and kept current from the log (domain/repository.py)."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return LogFollowingRepository(
            recorder=self.recorder,
            mapper=self.mapper,
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
        )

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Record the events. The cache does not take the aggregates saved: it takes their events as stored."""
        recordings = self.events.put(
            processing_event.events, tracking=processing_event.tracking, **processing_event.saved_kwargs
        )
        self.repository.saved([recording.notification for recording in recordings])
        return recordings

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save as the library does, then tell anything waiting in this process (e.g. an embedded projector) that the
        log grew. Aggregates and their events are told apart by their classes: the library's runtime protocol checks
        cost a command more than its decision."""
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            elif isinstance(obj, CanMutateAggregate):
                processing_event.events.append(obj)
            else:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.recorded.set()
        return recordings

    def _get(
        self,
        cls: type[A],
        aggregate_id: UUID,
        version: int | None = None,
        expected_version: int | None = None,
        *,
        to_change: bool = True,
    ) -> A:
        """The aggregate (as it was at `version`); StaleVersionError if it has moved on from `expected_version`.
        Unless it is `to_change`, it is the one the cache holds, which must only be read."""
        try:
            aggregate: object = self.repository.get(aggregate_id, version=version, deepcopy_from_cache=to_change)
        except AggregateNotFoundError:
            raise NotFoundError(f"there is no {_named(cls)} with that id") from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"there is no {_named(cls)} with that id")
        require_version(aggregate, expected_version)
        return aggregate

    def _read(self, cls: type[A], aggregate_id: UUID) -> A:
        """The aggregate as the cache holds it, to read only (no copy is made)."""
        return self._get(cls, aggregate_id, to_change=False)

    def _find(self, cls: type[A], aggregate_id: UUID, *, to_change: bool = True) -> A | None:
        try:
            return self._get(cls, aggregate_id, to_change=to_change)
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
        self.repository.refuse_shared(primary, *others)
        try:
            recordings = self.save(primary, *others)
        except IntegrityError:
            self.repository.evict(*(_id_of(each) for each in (primary, *others)))
            raise ConcurrentChangeError("someone else changed this first: reload and try again") from None
        position = recordings[-1].notification.id if recordings else self.recorder.max_notification_id() or 0
        return Recorded(primary.id, primary.version, position)
