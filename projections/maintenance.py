"""Rebuild, verify and report on the views: the work behind `corral projections ...`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from domain.application import Corral
from projections.database import ViewDatabase
from projections.faults import Fault, read_faults
from projections.projection import ViewProjection
from projections.registry import build_projections
from projections.runner import catch_up
from projections.view import SCRATCH

BUILDING_BEHIND = 1000  # events behind its sibling views that mark a view as still being built


@dataclass(frozen=True)
class ViewStatus:
    """A view's position against the head of the log, and the fault that stops it, if it is stuck."""

    name: str
    position: int
    head: int
    fault: Fault | None = None
    # How long the oldest event not yet applied has waited (0.0 when caught up; None if it cannot be decoded).
    lag_seconds: float | None = 0.0

    @property
    def lag(self) -> int:
        """Events in the log not yet applied."""
        return self.head - self.position


def select_projections(projections: Sequence[ViewProjection[Any]], name: str | None) -> list[ViewProjection[Any]]:
    """All projections, or the one whose view is called `name` (with or without its version)."""
    if name is None:
        return list(projections)
    chosen = [p for p in projections if name in (p.view.name, p.view.name.rsplit("_v", 1)[0])]
    if not chosen:
        known = ", ".join(p.view.name for p in projections)
        raise LookupError(f"no view is called {name!r}; the views are {known}")
    return chosen


def status(app: Corral, projections: Sequence[ViewProjection[Any]]) -> list[ViewStatus]:
    """Each view's position against the head of the log, with its fault while it has not moved past it."""
    if not projections:
        return []
    database, keys = projections[0].view.database, [p.view.key for p in projections]
    positions, faults = database.positions(keys), read_faults(database, keys)
    head = app.recorder.max_notification_id() or 0
    now = datetime.now(UTC)
    waited = {position: _waited(app, position, now) for position in set(positions.values()) if position < head}
    statuses = []
    for p in projections:
        position, fault = positions[p.view.key], faults.get(p.view.key)
        stuck = fault if fault is not None and position < fault.position else None
        statuses.append(ViewStatus(p.view.name, position, head, stuck, waited.get(position, 0.0)))
    return statuses


def _waited(app: Corral, position: int, now: datetime) -> float | None:
    """Seconds since the event after `position` was recorded; None if it cannot be read as an event."""
    notifications = app.recorder.select_notifications(start=position + 1, limit=1)
    if not notifications:
        return 0.0
    try:
        recorded_at: datetime = getattr(app.mapper.to_domain_event(notifications[0]), "timestamp")
    except Exception:  # noqa: BLE001 - an event the views cannot decode either: its age is unknown, not an error here
        return None
    return max(float((now - recorded_at).total_seconds()), 0.0)


def building(rows: Sequence[ViewStatus], far: int = BUILDING_BEHIND) -> list[str]:
    """The names of this release's views (their `status` rows) still being built: at position 0 while the log has
    events, or more than `far` events behind the furthest of them (a new version, built beside the old one while the
    old serves). A server cannot yet serve from these; a projector that is merely behind, or stopped, holds every
    view back alike."""
    furthest = max((row.position for row in rows), default=0)
    return [row.name for row in rows if (row.position == 0 and row.head > 0) or furthest - row.position > far]


def rebuild(
    app: Corral,
    projections: ViewProjection[Any] | Sequence[ViewProjection[Any]],
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Drop the views and apply the whole log again, a batch per transaction, each batch read and decoded once for
    all of them; returns the lowest position they reached (ViewsStuckError names any that stopped short)."""
    group = [projections] if isinstance(projections, ViewProjection) else list(projections)
    for projection in group:
        projection.view.drop()
        projection.view.create()
    with ExitStack() as loading:
        for projection in group:
            loading.enter_context(projection.view.loading())
        return catch_up(app, group, on_batch=on_batch)


def verify(app: Corral, database: ViewDatabase, name: str | None = None) -> list[str]:
    """Rebuild each view into scratch tables and compare with the live one; returns the differences."""
    differences: list[str] = []
    live = select_projections(build_projections(database), name)
    scratch = select_projections(build_projections(database, prefix=SCRATCH), name)
    for live_projection, scratch_projection in zip(live, scratch, strict=True):
        live_projection.view.create()
        scratch_projection.view.drop()
        scratch_projection.view.create()
        try:
            differences += _compare(app, live_projection, scratch_projection)
        finally:
            scratch_projection.view.drop()
    return differences


def _compare(app: Corral, live: ViewProjection[Any], scratch: ViewProjection[Any]) -> list[str]:
    position, live_rows = _settled_rows(live)
    catch_up(app, scratch, until=position)
    differences = []
    with live.view.database.reading() as conn:
        for live_table, scratch_table in zip(live.view.tables, scratch.view.tables, strict=True):
            expected = _rows(conn, scratch_table)
            actual = live_rows[live_table.name]
            if actual != expected:
                missing = len([r for r in expected if r not in actual])
                extra = len([r for r in actual if r not in expected])
                differences.append(
                    f"{live_table.name} at position {position}: {missing} row(s) missing or different, {extra} unexpected"
                )
    return differences


def _settled_rows(live: ViewProjection[Any], attempts: int = 20) -> tuple[int, dict[str, list[tuple[Any, ...]]]]:
    """The live rows and the position they reflect, read again if the projector moved on meanwhile."""
    for _ in range(attempts):
        before = live.view.position
        with live.view.database.reading() as conn:
            rows = {t.name: _rows(conn, t) for t in live.view.tables}
        if live.view.position == before:
            return before, rows
    raise RuntimeError(f"{live.view.name} kept moving while it was read; try again when the log is quieter")


def _rows(conn: Any, table: Any) -> list[tuple[Any, ...]]:
    key = list(table.primary_key.columns) or list(table.columns)
    return [tuple(row) for row in conn.execute(select(table).order_by(*key))]
