"""Every read of the inbox: a user's notices (only their own organisation's), how many are unread, their email
choice. A user's inbox is their organisation's notices; reads and choices are the user's own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from domain.errors import NotFoundError
from domain.notifications import EmailChoice
from domain.user_account import UserAccount
from projections.audit.view import AuditView
from projections.notifications.view import NotificationsView

MAX_LIMIT = 200
READ = UserAccount.NotificationsRead.__name__


@dataclass(frozen=True)
class InboxNotice:
    """One notice as its reader sees it."""

    id: str  # "<position>.<n>": the event's log position and the notice's place among its notices
    position: int
    kind: str
    occurred_at: datetime
    subject: str
    text: str
    link: str
    unread: bool


@dataclass(frozen=True)
class Inbox:
    """A page of a user's notices, newest first; `next_before` continues it (None on the last page)."""

    notices: list[InboxNotice]
    unread: int
    next_before: int | None
    newest: int  # the newest notice's position in the whole inbox (0 for none): "mark all read" reads up to it


@dataclass(frozen=True)
class Reader:
    """A user as the inbox knows them."""

    username: str
    organisation_id: str
    read_up_to: int
    email: str
    email_choice: str


def reader(view: NotificationsView, username: str) -> Reader:
    """The user's inbox settings; NotFoundError before the view knows the account."""
    t = view.readers
    with view.database.reading() as conn:
        row = conn.execute(select(t).where(t.c.username == username)).first()
    if row is None:
        raise NotFoundError(f"no inbox is known for {username!r} yet")
    return Reader(row.username, row.organisation_id, row.read_up_to, row.email, row.email_choice)


def inbox(
    view: NotificationsView, username: str, *, unread_only: bool = False, limit: int = 50, before: int | None = None
) -> Inbox:
    """The user's notices newest first, a page of `limit` before position `before`, with the count unread."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"a page holds from 1 to {MAX_LIMIT} notices, not {limit}")
    try:
        who = reader(view, username)
    except NotFoundError:  # the view has not reached the account's opening yet: nothing has been sent to it
        return Inbox([], 0, None, 0)
    n = view.notices
    unread = _unread(view, who)
    conditions: list[Any] = [n.c.organisation_id == who.organisation_id]
    if unread_only:
        conditions.append(unread)
    if before is not None:
        conditions.append(n.c.position < before)
    query = (
        select(n, unread.label("unread"))
        .where(*conditions)
        .order_by(n.c.position.desc(), n.c.n.desc())
        .limit(limit + 1)
    )
    with view.database.reading() as conn:
        rows = conn.execute(query).all()
        count = conn.execute(
            select(func.count()).select_from(n).where(n.c.organisation_id == who.organisation_id, unread)
        )
        newest = conn.execute(select(func.max(n.c.position)).where(n.c.organisation_id == who.organisation_id))
        unread_count, newest_position = count.scalar_one(), newest.scalar() or 0
    notices, next_before = [_notice(row) for row in rows[:limit]], None
    if len(rows) > limit:
        # A page ends between events: one event's notices split by the limit all go on the next page.
        last = notices[-1].position
        whole = [notice for notice in notices if notice.position != last]
        split = rows[limit].position == last and whole
        notices, next_before = (whole, last + 1) if split else (notices, last)
    return Inbox(notices, unread_count, next_before, newest_position)


def email_choice(view: NotificationsView, username: str) -> str:
    """How the user hears of their notices by email (immediate until they choose, or before the view knows them)."""
    try:
        return reader(view, username).email_choice
    except NotFoundError:
        return EmailChoice.IMMEDIATE.value


def unread_count(view: NotificationsView, username: str) -> int:
    """How many of the user's notices are unread (0 before the view knows the account)."""
    try:
        who = reader(view, username)
    except NotFoundError:
        return 0
    n = view.notices
    query = select(func.count()).select_from(n).where(n.c.organisation_id == who.organisation_id, _unread(view, who))
    with view.database.reading() as conn:
        count: int = conn.execute(query).scalar_one()
    return count


def own_notice_ids(view: NotificationsView, username: str, ids: Sequence[str]) -> list[str]:
    """Those of the notice ids (well formed: see domain.notifications) that are in the user's inbox; another
    organisation's are left out like ones that do not exist."""
    who = reader(view, username)
    n = view.notices
    wanted = {i: (int(i.partition(".")[0]), int(i.partition(".")[2])) for i in ids}
    if not wanted:
        return []
    query = select(n.c.position, n.c.n).where(
        n.c.organisation_id == who.organisation_id, n.c.position.in_(sorted({p for p, _ in wanted.values()}))
    )
    with view.database.reading() as conn:
        found = {(row.position, row.n) for row in conn.execute(query)}
    return [i for i, key in wanted.items() if key in found]


def require_own_notices(view: NotificationsView, username: str, ids: Sequence[str]) -> None:
    """NotFoundError naming the first id that is not a notice of the user's inbox, whoever else's it may be. Naming
    none asks nothing of the view (which may not know a new account yet): the use case refuses that as bad input."""
    if not ids:
        return
    own = set(own_notice_ids(view, username, ids))
    for notice_id in ids:
        if notice_id not in own:
            raise NotFoundError(f"there is no notice {notice_id} in your inbox")


def _unread(view: NotificationsView, who: Reader) -> Any:
    n, r = view.notices, view.reads
    read_one_by_one = exists().where(and_(r.c.username == who.username, r.c.position == n.c.position, r.c.n == n.c.n))
    return and_(n.c.position > who.read_up_to, ~read_one_by_one)


def _notice(row: Any) -> InboxNotice:
    return InboxNotice(
        f"{row.position}.{row.n}",
        row.position,
        row.kind,
        row.occurred_at,
        row.subject,
        row.text,
        row.link,
        bool(row.unread),
    )


def inbox_changes(
    audit: AuditView, view: NotificationsView, organisation_id: str, account_id: str, after: int, until: int, limit: int
) -> list[Any]:
    """Up to `limit` audit rows after position `after`, up to `until`, that changed this user's inbox: a notice for
    their organisation, or their own reading; in log order (a live inbox topic's missed changes)."""
    t, n = audit.events, view.notices
    noticed = select(n.c.position).where(
        n.c.organisation_id == organisation_id, n.c.position > after, n.c.position <= until
    )
    own_reading = and_(t.c.aggregate_id == account_id, t.c.event_type == READ)
    query = (
        select(t)
        .where(t.c.position > after, t.c.position <= until, or_(t.c.position.in_(noticed), own_reading))
        .order_by(t.c.position)
        .limit(limit)
    )
    with view.database.reading() as conn:
        return list(conn.execute(query))


def recipients(view: NotificationsView, after: int, until: int) -> dict[int, set[str]]:
    """The organisations each position after `after`, up to `until`, raised a notice for."""
    n = view.notices
    query = select(n.c.position, n.c.organisation_id).where(n.c.position > after, n.c.position <= until)
    found: dict[int, set[str]] = {}
    with view.database.reading() as conn:
        for row in conn.execute(query):
            found.setdefault(row.position, set()).add(row.organisation_id)
    return found
