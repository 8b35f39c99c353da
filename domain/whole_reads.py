"""An aggregate read from the store in one round trip: its latest snapshot and the events after it together.

The library reads the snapshot, then the events after it: two round trips for every aggregate not cached, even one
that is not there (a quarter's review before its first nudge is looked for by every submission of that quarter).
A store that can answer both in one statement says so by offering `select_latest`; the repository then reads
through it whenever it wants an aggregate as it is now (an older version still goes the library's way)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any, Protocol, cast, runtime_checkable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProjectorFunction
from eventsourcing.persistence import EventStore, StoredEvent


@runtime_checkable
class ReadsWhole(Protocol):
    """A log that reads an aggregate's latest snapshot, from the snapshots' recorder, with its events after it."""

    def select_latest(self, originator_id: UUID, snapshots: Any) -> tuple[Sequence[StoredEvent], Sequence[StoredEvent]]:
        """The aggregate's latest snapshot (none, or one) and its events after that snapshot's version, in order."""


def read_whole(
    aggregate_id: UUID,
    events: EventStore[UUID],
    snapshots: EventStore[UUID],
    projector_func: ProjectorFunction[Any, Any],
) -> Any:
    """The aggregate as it is now, from one read of `events`' recorder, which its caller found to be a `ReadsWhole`
    (once, not at every read: the protocol's check costs more than the read's Python); AggregateNotFoundError if the
    store holds nothing of it."""
    log = cast(ReadsWhole, events.recorder)
    latest, after = log.select_latest(aggregate_id, snapshots.recorder)
    domain_events = chain(
        (snapshots.mapper.to_domain_event(stored) for stored in latest),
        (events.mapper.to_domain_event(stored) for stored in after),
    )
    aggregate = projector_func(None, domain_events)
    if aggregate is None:
        raise AggregateNotFoundError(f"Aggregate {aggregate_id!r} not found.")
    return aggregate
