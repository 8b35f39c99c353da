"""What every use case shares: loading aggregates by id, and saving them with conflicts named."""

from __future__ import annotations

import functools
import inspect
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.persistence import IntegrityError, Recording

from domain.clock import Clock, UKClock
from domain.errors import AlreadyExistsError, ConcurrentChangeError, DomainError, NotFoundError, StaleVersionError
from domain.bringing_on import as_uuid
from domain.repository import LogFollowingRepository
from domain.scopes import ReadsMovedOn, command_scope, current_scope, reads_to_check

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
    """The use case in an optimistic scope of its own (domain/scopes.py), run again caught up with the log if what it
    read moved on before it saved, or before it answered without saving; within another scope, in that one."""

    @functools.wraps(use_case)
    def scoped(service: EventSourcedService, *args: Any, **kwargs: Any) -> R:
        with command_scope(optimistic=True) as scope:
            if scope is None:
                return use_case(service, *args, **kwargs)
            try:
                result = use_case(service, *args, **kwargs)
            except ReadsMovedOn:
                pass
            except DomainError:  # a refusal decided on what it read: it stands only if that did
                if not scope.checking or service.repository.reads_stand(scope):
                    raise
            else:
                if not scope.checking or service.repository.reads_stand(scope):
                    return result
            scope.again()
            return use_case(service, *args, **kwargs)

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
        self._check_reads(len(processing_event.events))
        recordings = self._record(processing_event)
        scope = current_scope()
        if scope is not None:
            scope.checked()  # the store found the reads stood, or there was nothing to check
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.recorded.set()
        return recordings

    def _check_reads(self, events: int) -> None:
        """Before a save whose reads stand on the cache as it was: unless the store checks them with the save (see
        `checks_reads` of api/storage/event_store.py), read the log now; ReadsMovedOn if any of them moved on."""
        checks = getattr(self.recorder, "checks_reads", None)
        scope = current_scope()
        if scope is None or reads_to_check() is None or (checks is not None and checks(events)):
            return
        if not self.repository.reads_stand(scope):
            raise ReadsMovedOn("what this command read has changed since: it runs again")

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
        saving = [as_uuid(_id_of(each)) for each in (primary, *others)]
        number = self.repository.begin_saving(saving)
        try:
            recordings = self.save(primary, *others)
        except (IntegrityError, ReadsMovedOn) as refusal:
            scope = current_scope()
            raced = scope is not None and self.repository.saved_alongside(saving, number, scope.saves_seen)
            if isinstance(refusal, ReadsMovedOn) and not raced:
                raise  # what it read moved on before it began (not by a save of this process since): it runs again
            if raced and scope is not None:
                scope.again()  # a concurrent change, named, not run again; what it loads next is caught up
            self.repository.evict(*saving)
            raise ConcurrentChangeError("someone else changed this first: reload and try again") from None
        position = recordings[-1].notification.id if recordings else self.recorder.max_notification_id() or 0
        return Recorded(primary.id, primary.version, position)
