"""Aggregates cached in this process and kept current from the event log.

The library's cache reads an aggregate's newer events on every load: a command loading a scheme, its programme and
a quarter's review made three reads before it decided anything. Here a command reads the log once instead: the
events recorded after the position the cache has caught up to, which bring every cached aggregate up to date
(positions commit in order, under the log's lock, so nothing can appear behind that position later). Within a
command scope (`command_scope`: a use case, or an HTTP request) the cache catches up at most once.

An aggregate the log has never mentioned is remembered as absent until an event for it appears, so a first
submission does not look for a review that is not there yet on every call.

Cached aggregates are never changed in place: events from the log apply to a copy that replaces the entry, so a
command may read a cached aggregate without copying it (`get(..., deepcopy_from_cache=False)`); one it will
change is copied. The cache takes in only what the store says: an aggregate read from the store (and only while
no catch-up has moved on meanwhile, which might have skipped events of it), or events read from the log, or the
events a command stored, as stored, once committed and when they follow on from where the cache has got to (then
the snapshot the save may call for is taken from the cache, not read and rebuilt from the store).

A use case's scope does not even read the log first while the cache is at the log's head as far as this process
knows (it caught up, or took this process's last save, which followed on): it decides on the cache as it stands and
its save has the store check that nothing it read moved on meanwhile (domain/scopes.py). A command through the
application is then one round trip: its save."""

from __future__ import annotations

import threading
from collections.abc import Sequence
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

from domain.bringing_on import as_uuid, bring_on, changed_in_place, evict, mutated
from domain.copies import copied
from domain.scopes import Scope, current_scope, is_uncached
from domain.whole_reads import ReadsWhole, read_whole

__all__ = ["LogFollowingRepository", "SharedAggregateChangedError", "mutated"]

CATCH_UP_LIMIT = 1000  # events read in one catch-up; further behind than that, the cache starts again empty
ABSENT_LIMIT = 10_000  # ids remembered as absent, at most
AHEAD_LIMIT = 1000  # events saved here beyond a gap in what the cache has taken, kept until the gap fills, at most
SAVING_LIMIT = 10_000  # aggregates whose latest save begun here is remembered, at most


class SharedAggregateChangedError(RuntimeError):
    """A command changed an aggregate it loaded to read only: the cache's own, which every command shares."""


class LogFollowingRepository(Repository[UUID]):
    """The library's repository with a cache that follows the event log (see the module's docstring)."""

    def __init__(self, *, recorder: ApplicationRecorder, mapper: Mapper[UUID], **kwargs: Any) -> None:
        super().__init__(fastforward=False, **kwargs)
        self.recorder, self.mapper = recorder, mapper
        self.reads_whole = isinstance(recorder, ReadsWhole) and self.snapshot_store is not None
        self.position: int | None = None  # the log position every cached aggregate is current to
        self.absent: set[UUID] = set()
        self.at_head = False  # as far as this process knows: no save of another (nor of its own) lies beyond it
        self.ahead: dict[int, Notification] = {}  # this process's saves beyond a gap, by position
        self.saves_begun = 0  # saves this process has begun
        self.last_saving: dict[UUID, list[int]] = {}  # each aggregate's latest saves begun here, by their numbers
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
            cached = self._cached_at(aggregate_id, version) if projector_func is mutated else None
            return self._reconstruct_aggregate(aggregate_id, version, projector_func) if cached is None else cached
        aggregate_id = as_uuid(aggregate_id)  # the cache's key, as the log's events name it (not a str of it)
        scope = self.catch_up()
        if scope is not None and scope.checking and self.position is not None:
            # the position first: what the cache then gives is current to it, or to a later one
            scope.read.setdefault(aggregate_id, self.position)
        if aggregate_id in self.absent:
            raise AggregateNotFoundError(aggregate_id)
        try:
            aggregate = self.cache.get(aggregate_id)
        except KeyError:
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

    def catch_up(self) -> Scope | None:
        """Bring the cached aggregates up to the log's newest event: once per command scope, else every call; an
        optimistic scope stands on the cache as it is instead, while it is at the head. Reads of the log run side by
        side, not one after another: each is applied, under the lock, beyond where the cache has got to meanwhile
        (another read, begun before or after it, may have been applied first). The scope, if any."""
        scope = current_scope()
        if scope is not None and scope.caught_up:
            return scope
        if scope is not None and scope.optimistic and self.at_head and self.position is not None:
            scope.stand_on(self.position, self.saves_begun)
            return scope
        with self.lock:
            start = self.position
            if start is None:  # the first catch-up starts from the log's head
                self.position, self.at_head = self.recorder.max_notification_id() or 0, True
        if start is not None:
            newer = self.recorder.select_notifications(start, CATCH_UP_LIMIT, inclusive_of_start=False)
            with self.lock:
                self._take(newer)
        if scope is not None:
            scope.checked()
            scope.caught_up = True
        return scope

    def reads_stand(self, scope: Scope) -> bool:
        """Whether nothing a checking scope read has moved on since it was read, as the log says now: the cache
        catches up with the log, and so has the scope (it checks nothing more)."""
        if not scope.checking:
            return True
        newer = self.recorder.select_notifications(scope.stands_on, CATCH_UP_LIMIT, inclusive_of_start=False)
        with self.lock:
            self._take(newer)
        read, stands = scope.read, len(newer) < CATCH_UP_LIMIT
        scope.checked()
        scope.caught_up = True
        return stands and not any(n.id > read.get(as_uuid(n.originator_id), n.id) for n in newer)

    def begin_saving(self, aggregate_ids: Sequence[UUID]) -> int:
        """Number a save of these aggregates about to begin here; its number."""
        with self.lock:
            self.saves_begun += 1
            if len(self.last_saving) >= SAVING_LIMIT:
                self.last_saving.clear()
            for aggregate_id in aggregate_ids:
                self.last_saving[aggregate_id] = [*self.last_saving.get(aggregate_id, ())[-3:], self.saves_begun]
            return self.saves_begun

    def saved_alongside(self, aggregate_ids: Sequence[UUID], save: int, since: int) -> bool:
        """Whether another save of any of these aggregates was begun here after `since` saves had begun (other than
        this one, numbered `save`): a concurrent change, made by this process."""
        with self.lock:
            return any(
                other != save and other > since
                for aggregate_id in aggregate_ids
                for other in self.last_saving.get(aggregate_id, ())
            )

    def _take(self, newer: Sequence[Notification]) -> None:
        if len(newer) == CATCH_UP_LIMIT:
            self.forget()
            return
        assert self.position is not None
        newer = [notification for notification in newer if notification.id > self.position]
        if newer:
            self._apply(newer)
            self.position = newer[-1].id
        self._follow_on()

    def _follow_on(self) -> None:
        """Apply what this process saved beyond the cache's position, as far as it follows on with no gap; at the
        head if nothing it saved is left beyond (a gap is another process's save, or a thread's not yet told)."""
        assert self.position is not None
        run: list[Notification] = []
        while (following := self.ahead.pop(self.position + 1 + len(run), None)) is not None:
            run.append(following)
        if run:
            self._apply(run)
            self.position = run[-1].id
        if self.ahead and min(self.ahead) <= self.position:
            self.ahead = {at: n for at, n in self.ahead.items() if at > self.position}
        self.at_head = not self.ahead

    def saved(self, stored: Sequence[Notification]) -> None:
        """A command saved, and committed, these events (as stored, with their positions). When they follow on from
        where the cache has caught up to, nothing else can lie between (positions commit in order, under the log's
        lock), so the cache takes them as a catch-up would have read them: what was stored, never the command's
        own copy; so too once the saves of this process's other threads fill the gap before them. Until then its
        next load in this scope catches up again, so it reads what it saved."""
        if self.cache is not None and stored and not is_uncached():
            with self.lock:
                if self.position is not None:
                    if len(self.ahead) < AHEAD_LIMIT:
                        self.ahead.update((n.id, n) for n in stored if n.id > self.position)
                    self._follow_on()
                    if self.at_head:
                        return
        self.at_head = False  # its events, or others', lie beyond where the cache has got to
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
        if cached is None or cached.version != version or changed_in_place(cached):
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
        if changed_in_place(cached):
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
            self.absent.clear()
            self.ahead.clear()
            self.position = self.recorder.max_notification_id() or 0
            self.at_head = True

    def _load(self, aggregate_id: UUID, projector_func: ProjectorFunction[Any, Any]) -> Any:
        """Read from the store; cached (or remembered as absent) only if no catch-up happened during the read."""
        assert self.cache is not None
        position = self.position
        try:
            aggregate = self._reconstruct_aggregate(aggregate_id, None, projector_func)
        except AggregateNotFoundError:
            with self.lock:
                if self.position == position:
                    if len(self.absent) >= ABSENT_LIMIT:
                        self.absent.clear()
                    self.absent.add(aggregate_id)
            raise
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
        assert self.cache is not None
        bring_on(self.cache, self.absent, self.mapper, newer)

    def _evict(self, aggregate_id: UUID) -> None:
        assert self.cache is not None
        evict(self.cache, self.absent, aggregate_id)
