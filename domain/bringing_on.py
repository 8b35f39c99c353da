"""Cached aggregates brought on by the log's newer events (domain/repository.py): each changed aggregate copied
once, its events applied to the copy, which then replaces it, so a command holding the cached one never sees it
change. One whose event cannot be applied here (a gap in its versions, an event this code does not know) leaves the
cache, to be read from the store when next loaded."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Cache
from eventsourcing.persistence import Mapper, Notification

from domain.copies import copied

log = logging.getLogger(__name__)


def bring_on(cache: Cache[UUID, Any], absent: set[UUID], mapper: Mapper[UUID], newer: Sequence[Notification]) -> None:
    """Apply the log's newer events to the cached aggregates they are of; none of them is absent any more."""
    changed: dict[UUID, Any] = {}
    for notification in newer:
        aggregate_id = as_uuid(notification.originator_id)
        absent.discard(aggregate_id)
        if aggregate_id in changed:
            aggregate = changed[aggregate_id]
            if aggregate is None:
                continue  # it leaves the cache
        else:
            try:
                aggregate = cache.get(aggregate_id)
            except KeyError:
                continue
            if changed_in_place(aggregate):  # by a command, wrongly: it leaves the cache
                changed[aggregate_id] = None
                continue
            if notification.originator_version <= aggregate.version:
                continue
            aggregate = copied(aggregate)
        if notification.originator_version > aggregate.version:
            changed[aggregate_id] = _applied(mapper, aggregate, notification)
    for aggregate_id, aggregate in changed.items():
        if aggregate is None:
            evict(cache, absent, aggregate_id)
        else:
            cache.put(aggregate_id, aggregate)


def evict(cache: Cache[UUID, Any], absent: set[UUID], aggregate_id: UUID) -> None:
    """The aggregate leaves the cache (and is not known to be absent either): the next load reads the store."""
    absent.discard(aggregate_id)
    try:
        cache.get(aggregate_id, evict=True)
    except KeyError:
        pass


def _applied(mapper: Mapper[UUID], aggregate: Any, notification: Notification) -> Any:
    """The aggregate (a copy of the cache's) with the event applied; None if it cannot be."""
    if notification.originator_version != aggregate.version + 1:
        return None
    try:
        return mutated(aggregate, [mapper.to_domain_event(notification)])
    except Exception:  # noqa: BLE001 - an event this code cannot apply costs only its own aggregate's cache
        log.warning(
            "cannot apply event %s of %s here; reading it from the store",
            notification.id,
            notification.originator_id,
            exc_info=True,
        )
        return None


def mutated(aggregate: Any, events: Iterable[Any]) -> Any:
    """The aggregate with the events applied in turn: the library's `project_aggregate`, without the runtime protocol
    check of each event it makes (which cost more than applying the event)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def changed_in_place(cached: Any) -> bool:
    """Whether a cached aggregate holds events not yet saved, which only a command's changes leave."""
    return bool(cached._pending_events)  # noqa: SLF001


def as_uuid(aggregate_id: UUID | str) -> UUID:
    """The id as the cache keys it, as the log's events name it (not a str of it)."""
    return aggregate_id if type(aggregate_id) is UUID else UUID(str(aggregate_id))
