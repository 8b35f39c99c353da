"""Apply the log to the views: each batch decoded once, made safe, and applied to every view in one transaction.

A batch that fails for any reason but a lost connection (see `faults.CONNECTION_ERRORS`) or a position another
writer moved is applied again view by view, and then, for a view it still fails, event by event, each in its own
transaction, until the event that raises is found. That view stays before it and its fault is recorded; the other
views carry on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Notification, Tracking

from domain.application import Corral
from projections.database import ViewDatabase
from projections.faults import (
    CONNECTION_ERRORS,
    Fault,
    Undecodable,
    ViewsStuckError,
    clear_faults,
    error_text,
    event_type,
    read_faults,
    record_fault,
)
from projections.projection import ViewProjection
from projections.safe import safe_event
from projections.view import PositionMovedError

# A catch-up of this many events or more (a rebuild, a new view) ends by analyzing the view's tables, so
# the reads are not planned on the statistics of empty tables until autovacuum, if it is on, comes round.
BULK_EVENTS = 10_000
# Errors that are no fault of an event: the caller retries, after reading the positions again.
NOT_A_FAULT: tuple[type[BaseException], ...] = (*CONNECTION_ERRORS, PositionMovedError)


@dataclass(frozen=True)
class Batch:
    """A stretch of the log up to `last`, as (position, topic, event): an event is decoded once if some view of the
    batch handles its topic, else left as None. Every view's position moves past the events it does not handle."""

    events: list[tuple[int, str, Any]]
    last: int

    def for_view(self, projection: ViewProjection[Any], start: int) -> list[tuple[int, Any]]:
        """The events after `start` that this view handles, in order."""
        return [
            (position, event)
            for position, topic, event in self.events
            if position > start and projection.handles(topic)
        ]

    def one_by_one(self, start: int) -> list[Batch]:
        """Each event after `start` as a batch of its own."""
        return [
            Batch([(position, topic, event)], position) for position, topic, event in self.events if position > start
        ]


def catch_up(
    app: Corral,
    projections: ViewProjection[Any] | Sequence[ViewProjection[Any]],
    until: int | None = None,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
    known: dict[str, int] | None = None,
    faults: dict[str, Fault] | None = None,
) -> int:
    """Apply every event after each view's position up to `until` (default: the head), a batch per transaction.

    Each batch of the log is read once, and each of its events decoded once if some view handles it (see `Batch`),
    then applied to every view that still needs it; a batch shorter than `batch_size` reached the head. A view that applied `BULK_EVENTS` or more is analyzed at the end.
    Returns the lowest position the views reached.

    The views' positions and recorded faults are read first, unless `known` and `faults` have them (by view key):
    a caller that catches up again and again keeps them there, updated as batches commit. A position that another
    writer has moved since fails its batch's transaction (see `_Views.apply`), after which the caller should forget
    what it knew.

    A view that cannot apply an event stops before it, its fault recorded, while the others carry on; then
    ViewsStuckError names every view that stopped.
    """
    group = [projections] if isinstance(projections, ViewProjection) else list(projections)
    if not group:
        return 0
    database = group[0].view.database
    if any(p.view.database is not database for p in group):
        raise ValueError("views caught up together live in one database")
    positions = {} if known is None else known  # by view key, updated as batches commit
    recorded = {} if faults is None else faults  # by view key, forgotten as views move past them
    keys = [p.view.key for p in group]
    if any(key not in positions for key in keys):
        positions.update(database.positions(keys))
        recorded.update(read_faults(database, keys))
    started = {key: positions[key] for key in keys}
    views = _Views(app, database, positions, recorded)
    active, stuck = list(group), []
    while active and (until is None or min(positions[p.view.key] for p in active) < until):
        start = min(positions[p.view.key] for p in active)
        notifications = app.recorder.select_notifications(start=start + 1, limit=batch_size, stop=until)
        if not notifications:
            break
        last = notifications[-1].id
        behind = [p for p in active if positions[p.view.key] < last]
        batch = Batch([(n.id, n.topic, _decoded(app, n, behind)) for n in notifications], last)
        if views.failed(behind, batch) is not None:
            for projection in behind:
                fault = views.isolate(projection, batch)
                if fault is not None:
                    recorded[fault.view] = record_fault(database, fault)
                    stuck.append(recorded[fault.view])
                    active.remove(projection)
        if on_batch is not None:
            on_batch(len(notifications))
        if len(notifications) < batch_size:
            break
    for projection in group:
        if positions[projection.view.key] - started[projection.view.key] >= BULK_EVENTS:
            projection.view.analyze()
    if stuck:
        raise ViewsStuckError(stuck)
    return min(positions[key] for key in keys)


def _decoded(app: Corral, notification: Notification, projections: Sequence[ViewProjection[Any]]) -> Any:
    """The notification's event, made safe for the views, or None if none of them handles it; an event that cannot
    be decoded stands in as Undecodable."""
    if not any(p.handles(notification.topic) for p in projections):
        return None
    try:
        return safe_event(app.mapper.to_domain_event(notification))
    except Exception as error:  # noqa: BLE001 - any failure to decode stops each view that reaches it
        return Undecodable(notification.topic, error)


@dataclass
class _Views:
    """One catch-up's views: the log they follow, their database, and their positions and faults by view key."""

    app: Corral
    database: ViewDatabase
    positions: dict[str, int]
    faults: dict[str, Fault]

    def apply(self, projections: Sequence[ViewProjection[Any]], batch: Batch, locked: bool = False) -> None:
        """In one transaction, every view's batch from the position it was read at: the events it handles and has not
        yet applied; then every view's new position (the batch's last) in one statement, which fails the whole
        transaction if another writer moved one meanwhile, and announces them; and the faults of views that moved
        past them are forgotten. The positions reached are kept once it commits.

        With `locked`, each position is read again under a row lock and must still be the one in `positions`.
        The batches end after the transaction commits, so a view remembers only the lookups that committed."""
        moves: dict[str, tuple[int, int]] = {}  # by view key: the position its batch started at, and the one reached
        with ExitStack() as batches, self.database.batch() as conn:
            for projection in projections:
                view, known = projection.view, self.positions[projection.view.key]
                events = None if locked else batch.for_view(projection, known)
                if events is not None and not events:  # none it handles: it moves past them with no batch of its own
                    if batch.last > known:
                        batches.enter_context(view.passing(known, batch.last))
                        moves[view.key] = (known, batch.last)
                    continue
                start = batches.enter_context(view.batch(conn, None if locked else known))
                if start != known:
                    raise PositionMovedError(f"{view.key} moved on since its position was read")
                for position, event in batch.for_view(projection, start) if events is None else events:
                    if type(event) is Undecodable:
                        event.fail()
                    projection.process_event(event, Tracking(self.app.name, position))
                if batch.last > start:
                    moves[view.key] = (view.complete(batch.last), batch.last)
            self.database.advance(conn, moves)
            reached = {key: position for key, (_, position) in moves.items()}
            faults = self.faults
            passed = [key for key, position in reached.items() if key in faults and position >= faults[key].position]
            if passed:
                with self.database.held(conn):
                    clear_faults(conn, self.database, passed)
        for key in passed:
            del faults[key]
        self.positions.update(reached)

    def failed(
        self, projections: Sequence[ViewProjection[Any]], batch: Batch, locked: bool = False
    ) -> Exception | None:
        """Apply the batch; the error it failed with, if that can be an event's fault (`NOT_A_FAULT` is raised)."""
        try:
            self.apply(projections, batch, locked)
        except NOT_A_FAULT:
            raise
        except Exception as error:  # noqa: BLE001 - whatever it was, the caller looks for the event it stops on
            return error
        return None

    def isolate(self, projection: ViewProjection[Any], batch: Batch) -> Fault | None:
        """After a batch failed: apply it to this view alone, else event by event, each in its own transaction, up
        to the event that raises; that event's fault, or None if the view applied the whole batch after all."""
        if self.failed([projection], batch, locked=True) is None:
            return None
        key = projection.view.key
        for one in batch.one_by_one(self.positions[key]):
            error = self.failed([projection], one, locked=True)
            if error is not None:
                position, topic, event = one.events[0]
                named = topic.rpartition(":")[2] if event is None else event_type(event)
                return Fault(key, position, named, error_text(error))
        return None
