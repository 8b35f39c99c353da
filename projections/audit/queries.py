"""Read the audit trail newest first, filtered, a page at a time by keyset (never by offset)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.engine import Connection

from domain.milestones import Quarter
from projections.audit.view import AuditView
from projections.database import ViewDatabase

MAX_LIMIT = 1000


@dataclass(frozen=True)
class AuditEntry:
    """One event of the log: when, who, what it concerns, and what happened in plain English."""

    position: int
    occurred_at: datetime
    event_type: str
    aggregate_type: str
    aggregate_id: UUID
    aggregate_version: int
    actor_user_id: str
    actor_organisation_id: UUID
    actor_organisation_name: str | None
    role: str
    programme_id: UUID | None
    scheme_id: UUID | None
    provider_id: UUID | None
    quarter: str | None
    description: str
    reason: str | None


@dataclass(frozen=True)
class AuditPage:
    """Entries newest first; `next_before` is the position to pass for the next page, None on the last."""

    entries: tuple[AuditEntry, ...]
    next_before: int | None


def audit_trail(
    source: ViewDatabase | AuditView,
    *,
    programme_id: UUID | None = None,
    scheme_id: UUID | None = None,
    provider_id: UUID | None = None,
    quarter: Quarter | str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_position: int | None = None,
    limit: int = 50,
) -> AuditPage:
    """A page of the trail, newest first; `since` is inclusive and `until` exclusive; `actor` is a user id."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"a page holds from 1 to {MAX_LIMIT} entries, not {limit}")
    view = source if isinstance(source, AuditView) else AuditView(source)
    t = view.events
    conditions: list[Any] = []
    for column, value in (
        (t.c.programme_id, programme_id),
        (t.c.scheme_id, scheme_id),
        (t.c.provider_id, provider_id),
    ):
        if value is not None:
            conditions.append(column == str(value))
    if quarter is not None:
        conditions.append(t.c.quarter == (quarter.value if isinstance(quarter, Quarter) else quarter))
    if actor is not None:
        conditions.append(t.c.actor_user_id == actor)
    if since is not None:
        conditions.append(t.c.occurred_at >= since)
    if until is not None:
        conditions.append(t.c.occurred_at < until)
    if before_position is not None:
        conditions.append(t.c.position < before_position)
    with view.database.engine.connect() as conn:
        if since is not None or until is not None:
            conditions += _positions_between(conn, view, since, until)
        rows = conn.execute(select(t).where(*conditions).order_by(t.c.position.desc()).limit(limit + 1)).all()
    entries = tuple(_entry(row._mapping) for row in rows[:limit])
    return AuditPage(entries, entries[-1].position if len(rows) > limit else None)


def _positions_between(conn: Connection, view: AuditView, since: datetime | None, until: datetime | None) -> list[Any]:
    """Position bounds that hold every event in the time range, so the newest-first scan starts near it.

    No event's time falls behind an event logged before it by more than the recorded lateness, so an
    event at least that much after `until` was logged after every event in the range, and one at least
    that much before `since`, before them.
    """
    t = view.events
    lateness = timedelta(microseconds=conn.execute(select(view.clock.c.lateness_us)).scalar() or 0)
    bounds: list[Any] = []
    later, earlier = _shifted(until, lateness), _shifted(since, -lateness)
    if later is not None:
        after = select(t.c.position).where(t.c.occurred_at >= later).order_by(t.c.occurred_at).limit(1)
        position = conn.execute(after).scalar()
        if position is not None:
            bounds.append(t.c.position < position)
    if earlier is not None:
        before = select(t.c.position).where(t.c.occurred_at < earlier).order_by(t.c.occurred_at.desc())
        position = conn.execute(before.limit(1)).scalar()
        if position is not None:
            bounds.append(t.c.position > position)
    return bounds


def _shifted(moment: datetime | None, by: timedelta) -> datetime | None:
    """The moment moved by `by`; None when it is absent or the move passes the first or last moment there is,
    where no event can be and so no bound is needed."""
    try:
        return None if moment is None else moment + by
    except OverflowError:
        return None


def _uuid(value: str | None) -> UUID | None:
    return None if value is None else UUID(value)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        position=row["position"],
        occurred_at=row["occurred_at"],
        event_type=row["event_type"],
        aggregate_type=row["aggregate_type"],
        aggregate_id=UUID(row["aggregate_id"]),
        aggregate_version=row["aggregate_version"],
        actor_user_id=row["actor_user_id"],
        actor_organisation_id=UUID(row["actor_organisation_id"]),
        actor_organisation_name=row["actor_organisation_name"],
        role=row["role"],
        programme_id=_uuid(row["programme_id"]),
        scheme_id=_uuid(row["scheme_id"]),
        provider_id=_uuid(row["provider_id"]),
        quarter=row["quarter"],
        description=row["description"],
        reason=row["reason"],
    )
