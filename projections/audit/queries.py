"""Read the audit trail newest first, filtered, a page at a time by keyset (never by offset)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.engine import Connection

from domain.milestones import Quarter
from domain.account_rules import named
from projections.audit.view import AuditView, from_row
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
    actor_display_name: str | None  # the name the acting user goes by now, if they gave one
    actor_name: str  # `Priya Shah (dpt.quality)`, or the user id alone


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
    organisation_id: UUID | None = None,
    quarter: Quarter | str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_position: int | None = None,
    limit: int = 50,
) -> AuditPage:
    """A page of the trail, newest first; `since` is inclusive and `until` exclusive; `actor` is a user id;
    `organisation_id` keeps the rows of no programme that concern that organisation (its own trail)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"a page holds from 1 to {MAX_LIMIT} entries, not {limit}")
    view = source if isinstance(source, AuditView) else AuditView(source)
    t = view.events
    conditions: list[Any] = []
    for column, value in (
        (t.c.programme_id, programme_id),
        (t.c.scheme_id, scheme_id),
        (t.c.provider_id, provider_id),
        (t.c.organisation_id, organisation_id),
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
    with view.database.reading() as conn:
        if since is not None or until is not None:
            conditions += _positions_between(conn, view, since, until)
        named_rows = _with_names(view, select(t)).where(*conditions)
        rows = conn.execute(named_rows.order_by(t.c.position.desc()).limit(limit + 1)).all()
    entries = tuple(_entry(row._mapping) for row in rows[:limit])
    return AuditPage(entries, entries[-1].position if len(rows) > limit else None)


def whole_trail(source: ViewDatabase | AuditView, **filters: Any) -> list[AuditEntry]:
    """Every entry of a programme's (or an organisation's) trail that the filters of `audit_trail` keep, oldest
    first, read a page at a time."""
    entries: list[AuditEntry] = []
    before: int | None = None
    while True:
        page = audit_trail(source, before_position=before, limit=MAX_LIMIT, **filters)
        entries += page.entries
        if page.next_before is None:
            return entries[::-1]
        before = page.next_before


class ChangeScope(Protocol):
    """Which rows of the trail a live subscriber follows (api/live/topics.py's Topic, whose `covers` says the same
    of one row)."""

    @property
    def programme_ids(self) -> frozenset[str]: ...
    @property
    def schemes(self) -> frozenset[str] | None: ...
    @property
    def provider_id(self) -> str | None: ...
    @property
    def scheme_id(self) -> str | None: ...
    @property
    def quarter(self) -> str | None: ...
    def covers(self, row: Any) -> bool: ...


def changes_in(view: AuditView, scope: ChangeScope, after: int, until: int, limit: int) -> list[Any]:
    """Up to `limit` rows of the scope's changes after position `after`, up to `until`, in log order."""
    t = view.events
    query = (
        select(t)
        .where(t.c.position > after, t.c.position <= until, *_scoped(t.c, scope))
        .order_by(t.c.position)
        .limit(limit)
    )
    with view.database.reading() as conn:
        return [row for row in conn.execute(query) if scope.covers(row)]


def _scoped(c: Any, scope: ChangeScope) -> list[ColumnElement[bool]]:
    """The scope's `covers` as conditions on the trail's table, so that a replay reads only the scope's rows."""
    conditions: list[ColumnElement[bool]] = [c.programme_id.in_(sorted(scope.programme_ids))]
    if scope.schemes is not None:
        conditions.append(or_(c.scheme_id.is_(None), c.scheme_id.in_(sorted(scope.schemes))))
    if scope.provider_id is not None:
        conditions.append(or_(c.provider_id.is_(None), c.provider_id == scope.provider_id))
    if scope.scheme_id is not None:
        conditions += [c.scheme_id == scope.scheme_id, or_(c.quarter.is_(None), c.quarter == scope.quarter)]
    return conditions


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


_IDS = frozenset({"aggregate_id", "actor_organisation_id", "programme_id", "scheme_id", "provider_id"})


def _with_names(view: AuditView, query: Select[Any]) -> Select[Any]:
    """The query's rows of the trail, each with the name its actor goes by now (None if they gave none)."""
    t, users = view.events, view.users
    name = func.nullif(users.c.display_name, "").label("actor_display_name")
    return query.add_columns(name).select_from(t.outerjoin(users, users.c.username == t.c.actor_user_id))


def _entry(row: Any) -> AuditEntry:
    name = named(row["actor_display_name"], row["actor_user_id"])
    return from_row(AuditEntry, {**row, "actor_name": name}, _IDS)
