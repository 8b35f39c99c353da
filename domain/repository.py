"""Aggregates cached in this process and kept current from the event log.

The library's cache reads an aggregate's newer events on every load: a command loading a scheme, its programme and
a quarter's review made three reads before it decided anything. Here a command reads the log once instead: the
events recorded after the position the cache has caught up to, which bring every cached aggregate up to date
(positions commit in order, under the log's lock, so nothing can appear behind that position later). Within a
command scope (`command_scope`: a use case, or an HTTP request) the cache catches up at most once.

The cache also knows the id of every aggregate in the log (domain/known_ids.py), so an aggregate that is not
there (a quarter's review, before anyone opens it) is found absent without a read.

Inside `at_hand_only()` (domain/scopes.py) a load that would read the store (to catch up, or an aggregate not
cached) raises NotAtHandError instead: the HTTP access checks run on the event loop that way when they can.

Cached aggregates are never changed in place: events from the log apply to a copy that replaces the entry, so a
command may read a cached aggregate without copying it (`get(..., deepcopy_from_cache=False)`); one it will
change is copied. The cache takes in only what the store says: an aggregate read from the store (and only while
no catch-up has moved on meanwhile, which might have skipped events of it), or events read from the log, or the
events a command stored, as stored, once committed and when they follow on from where the cache has got to (then
the snapshot the save may call for is taken from the cache, not read and rebuilt from the store)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Cache,
    LRUCache,
    ProjectorFunction,
    Repository,
    project_aggregate,
)
from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from domain.copies import copied
from domain.known_ids import KnownIds, as_uuid
from domain.scopes import current_scope, is_uncached, may_read_store
from domain.whole_reads import ReadsWhole, read_whole

log = logging.getLogger(__name__)

CATCH_UP_LIMIT = 1000  # events read in one catch-up; further behind than that, the cache starts again empty


class SharedAggregateChangedError(RuntimeError):
    """A command changed an aggregate it loaded to read only: the cache's own, which every command shares."""


class LogFollowingRepository(Repository[UUID]):
    """The library's repository with a cache that follows the event log (see the module's docstring)."""

    def __init__(self, *, recorder: ApplicationRecorder, mapper: Mapper[UUID], **kwargs: Any) -> None:
        super().__init__(fastforward=False, **kwargs)
        self.recorder, self.mapper = recorder, mapper
        self.reads_whole = isinstance(recorder, ReadsWhole) and self.snapshot_store is not None
        self.position: int | None = None  # the log position every cached aggregate is current to
        self.known = KnownIds()  # every aggregate's id in the log, once the cache has started
        self.lock = threading.RLock()

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] = project_aggregate,
        fastforward_skipping: bool = False,
        deepcopy_from_cache: bool = True,
    ) -> Any:
        """The aggregate, current as of this scope's catch-up with the log (or as it was at `version`); a copy to
        change unless `deepcopy_from_cache` is False, when it is the cached one, to read only."""
        if projector_func is project_aggregate:
            projector_func = mutated
        if version is not None or self.cache is None or is_uncached():
            may_read_store()
            cached = self._cached_at(aggregate_id, version) if projector_func is mutated else None
            return self._reconstruct_aggregate(aggregate_id, version, projector_func) if cached is None else cached
        aggregate_id = as_uuid(aggregate_id)  # the cache's key, as the log's events name it (not a str of it)
        self.catch_up()
        if self.known.absent(aggregate_id):
            raise AggregateNotFoundError(aggregate_id)
        try:
            aggregate = self.cache.get(aggregate_id)
        except KeyError:
            may_read_store()
            aggregate = self._load(aggregate_id, projector_func)
        else:
            self._refuse_changed(aggregate)
        return copied(aggregate) if deepcopy_from_cache else aggregate

    def __contains__(self, aggregate_id: object) -> bool:
        """Whether the aggregate exists, as of this scope's catch-up (nothing is copied to say so)."""
        try:
            self.get(aggregate_id, deepcopy_from_cache=False)  # type: ignore[arg-type]
        except AggregateNotFoundError:
            return False
        return True

    def catch_up(self) -> None:
        """Bring the cached aggregates up to the log's newest event: once per command scope, else every call. Reads
        of the log run side by side, not one after another: each is applied, under the lock, beyond where the cache
        has got to meanwhile (another read, begun before or after it, may have been applied first)."""
        scope = current_scope()
        if scope is not None and scope.caught_up:
            return
        may_read_store()
        with self.lock:
            start = self.position
            if start is None:  # the first catch-up starts from the log's head
                self._start_afresh()
        if start is not None:
            newer = self.recorder.select_notifications(start, CATCH_UP_LIMIT, inclusive_of_start=False)
            with self.lock:
                self._take(newer)
        if scope is not None:
            scope.caught_up = True

    def _take(self, newer: Sequence[Notification]) -> None:
        if len(newer) == CATCH_UP_LIMIT:
            self.forget()
            return
        assert self.position is not None
        newer = [notification for notification in newer if notification.id > self.position]
        if newer:
            self._apply(newer)
            self.position = newer[-1].id

    def saved(self, stored: Sequence[Notification]) -> None:
        """A command saved, and committed, these events (as stored, with their positions). When they follow on from
        where the cache has caught up to, nothing else can lie between (positions commit in order, under the log's
        lock), so the cache takes them as a catch-up would have read them: what was stored, never the command's
        own copy. Otherwise its next load in this scope catches up again, so it reads what it saved."""
        if self.cache is not None and stored and not is_uncached():
            with self.lock:
                if self.position is not None and [n.id for n in stored] == list(
                    range(self.position + 1, self.position + 1 + len(stored))
                ):
                    self._apply(stored)
                    self.position = stored[-1].id
                    return
        scope = current_scope()
        if scope is not None:
            scope.caught_up = False

    def _cached_at(self, aggregate_id: UUID, version: int | None) -> Any:
        """A copy of the cached aggregate if it is at exactly this version (e.g. one just saved, to snapshot), else
        None. Whatever the cache holds is what the store's events make it, current or not."""
        try:
            cached = self.cache.get(as_uuid(aggregate_id)) if self.cache is not None and version else None
        except KeyError:
            return None
        if cached is None or cached.version != version or _changed_in_place(cached):
            return None  # never a snapshot of what a command changed in place
        return copied(cached)

    def refuse_shared(self, *saving: Any) -> None:
        """SharedAggregateChangedError if any aggregate about to be saved is the cache's own (loaded to read only,
        then changed); it leaves the cache."""
        if self.cache is None:
            return
        for aggregate in saving:
            try:
                cached = self.cache.get(aggregate.id)
            except (KeyError, AttributeError):
                continue
            if cached is aggregate:
                self._refuse_changed(aggregate)

    def _refuse_changed(self, cached: Any) -> None:
        """SharedAggregateChangedError if a command changed the cache's own copy (it has events not yet saved, which
        only a command's changes leave); it leaves the cache, so the next load reads the store."""
        if _changed_in_place(cached):
            self.evict(cached.id)
            raise SharedAggregateChangedError(
                f"a {type(cached).__name__} loaded to read only was changed: load it to change it"
            )

    def evict(self, *aggregate_ids: UUID) -> None:
        """Drop these from the cache: the next load reads them from the store."""
        with self.lock:
            for aggregate_id in aggregate_ids:
                self._evict(as_uuid(aggregate_id))

    def forget(self) -> None:
        """Empty the cache; it starts again from the log's newest position."""
        with self.lock:
            if isinstance(self.cache, LRUCache):
                self.cache = LRUCache(maxsize=self.cache.maxsize)
            elif self.cache is not None:
                self.cache = Cache()
            self._start_afresh()

    def _start_afresh(self) -> None:
        """The cache starts from the log's head, knowing every aggregate's id up to there (listed after the head is
        read, so none up to it is missed): all of them the first time, else those recorded since it had got to."""
        since, self.position = self.position, self.recorder.max_notification_id() or 0
        if since is None:
            self.known = KnownIds(self.recorder)
        else:
            self.known.learn_since(self.recorder, since)

    def _load(self, aggregate_id: UUID, projector_func: ProjectorFunction[Any, Any]) -> Any:
        """Read from the store; cached only if no catch-up happened during the read."""
        assert self.cache is not None
        position = self.position
        aggregate = self._reconstruct_aggregate(aggregate_id, None, projector_func)
        with self.lock:
            if self.position == position:
                self.cache.put(aggregate_id, aggregate)
        return aggregate

    def _reconstruct_aggregate(
        self, aggregate_id: UUID, version: int | None, projector_func: ProjectorFunction[Any, Any]
    ) -> Any:
        """As the library does; as it is now in one read, where the log can (domain/whole_reads.py)."""
        if version is None and self.reads_whole:
            assert self.snapshot_store is not None
            return read_whole(aggregate_id, self.event_store, self.snapshot_store, projector_func)
        return super()._reconstruct_aggregate(aggregate_id, version, projector_func)

    def _apply(self, newer: Sequence[Notification]) -> None:
        """Bring the cached aggregates on by the log's newer events: each changed aggregate copied once, its events
        applied to the copy, which then replaces it. One whose event cannot be applied here (a gap in its versions,
        an event this code does not know) leaves the cache, to be read from the store when next loaded."""
        assert self.cache is not None
        changed: dict[UUID, Any] = {}
        self.known.learn(notification.originator_id for notification in newer)
        for notification in newer:
            aggregate_id = as_uuid(notification.originator_id)
            if aggregate_id in changed:
                aggregate = changed[aggregate_id]
                if aggregate is None:
                    continue  # it leaves the cache
            else:
                try:
                    aggregate = self.cache.get(aggregate_id)
                except KeyError:
                    continue
                if _changed_in_place(aggregate):  # by a command, wrongly: it leaves the cache
                    changed[aggregate_id] = None
                    continue
                if notification.originator_version <= aggregate.version:
                    continue
                aggregate = copied(aggregate)
            if notification.originator_version > aggregate.version:
                changed[aggregate_id] = self._applied(aggregate, notification)
        for aggregate_id, aggregate in changed.items():
            if aggregate is None:
                self._evict(aggregate_id)
            else:
                self.cache.put(aggregate_id, aggregate)

    def _applied(self, aggregate: Any, notification: Notification) -> Any:
        """The aggregate (a copy of the cache's) with the event applied; None if it cannot be."""
        if notification.originator_version != aggregate.version + 1:
            return None
        try:
            return mutated(aggregate, [self.mapper.to_domain_event(notification)])
        except Exception:  # noqa: BLE001 - an event this code cannot apply costs only its own aggregate's cache
            log.warning(
                "cannot apply event %s of %s here; reading it from the store",
                notification.id,
                notification.originator_id,
                exc_info=True,
            )
            return None

    def _evict(self, aggregate_id: UUID) -> None:
        assert self.cache is not None
        try:
            self.cache.get(aggregate_id, evict=True)
        except KeyError:
            pass


def mutated(aggregate: Any, events: Iterable[Any]) -> Any:
    """The aggregate with the events applied in turn: the library's `project_aggregate`, without the runtime protocol
    check of each event it makes (which cost more than applying the event)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def _changed_in_place(cached: Any) -> bool:
    """Whether a cached aggregate holds events not yet saved, which only a command's changes leave."""
    return bool(cached._pending_events)  # noqa: SLF001
