"""The mail outbox, as the mailer (api/storage/mail.py) works it: what is due, sent or failing, and each day's
digests. The projection adds rows in the transaction of the notice they tell of; here each row is marked sent or
failed in a transaction of its own, and a row marked sent is never handed out again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_, update

from projections.notifications.letters import Item, Letter, digest_letter
from projections.notifications.view import NotificationsView
from projections.writes import insert_new

MOST_AT_ONCE = 100


@dataclass(frozen=True)
class Outgoing:
    """A message due to be sent."""

    message_id: str
    to_address: str
    subject: str
    text_body: str
    html_body: str
    attempts: int


@dataclass(frozen=True)
class Failing:
    """A message not sent yet after failing: how often, why last, and when it is tried again."""

    message_id: str
    to_address: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    sent: int
    failing: list[Failing]


def outbox_row(letter: Letter, position: int, username: str, to_address: str, created_at: datetime) -> dict[str, Any]:
    """The outbox row of a letter to one user."""
    return {
        "message_id": letter.message_id,
        "position": position,
        "username": username,
        "to_address": to_address,
        "subject": letter.subject,
        "text_body": letter.text,
        "html_body": letter.html,
        "created_at": created_at,
        "attempts": 0,
    }


def due(view: NotificationsView, now: datetime, limit: int = MOST_AT_ONCE) -> list[Outgoing]:
    """Messages not yet sent whose next try is due, oldest first."""
    t = view.outbox
    query = (
        select(t.c.message_id, t.c.to_address, t.c.subject, t.c.text_body, t.c.html_body, t.c.attempts)
        .where(t.c.sent_at.is_(None), or_(t.c.next_attempt_at.is_(None), t.c.next_attempt_at <= now))
        .order_by(t.c.position, t.c.message_id)
        .limit(limit)
    )
    with view.database.reading() as conn:
        return [Outgoing(*row) for row in conn.execute(query)]


def mark_sent(view: NotificationsView, message_id: str, now: datetime) -> bool:
    """Record a message sent, once; False if it was marked sent already."""
    t = view.outbox
    with view.database.transaction() as conn:
        marked = conn.execute(
            update(t).where(t.c.message_id == message_id, t.c.sent_at.is_(None)).values(sent_at=now, last_error=None)
        )
    return bool(marked.rowcount)


def mark_failed(view: NotificationsView, message_id: str, attempts: int, retry_at: datetime, error: str) -> None:
    """Record a failed try: how many so far, why, and when to try again."""
    t = view.outbox
    with view.database.transaction() as conn:
        conn.execute(
            update(t)
            .where(t.c.message_id == message_id, t.c.sent_at.is_(None))
            .values(attempts=attempts, next_attempt_at=retry_at, last_error=error[:2000])
        )


def digest_slot(now: datetime, hour: int) -> datetime:
    """The latest moment at or before `now` when a day's digests go out."""
    slot = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return slot if slot <= now else slot - timedelta(days=1)


def compose_digests(view: NotificationsView, slot: datetime) -> int:
    """Gather each waiting user's notices from before `slot` into one outbox message for the slot's day, unless that
    day's is made already (then they wait for the next); the number of digests made."""
    d, t = view.digest, view.outbox
    day, made = slot.date().isoformat(), 0
    with view.database.transaction() as conn:
        rows = conn.execute(
            select(d)
            .where(d.c.message_id.is_(None), d.c.occurred_at <= slot)
            .order_by(d.c.username, d.c.position, d.c.n)
        ).all()
        for username in dict.fromkeys(row.username for row in rows):
            mine = [row for row in rows if row.username == username]
            items = [Item(row.subject, row.text, row.link, row.occurred_at) for row in mine]
            letter = digest_letter(view.public_url, day, username, items)
            if conn.execute(select(t.c.message_id).where(t.c.message_id == letter.message_id)).first() is not None:
                continue
            last = mine[-1]
            insert_new(conn, t, [outbox_row(letter, last.position, username, last.to_address, slot)])
            keys = [(row.position, row.n) for row in mine]
            conn.execute(
                update(d)
                .where(d.c.username == username, tuple_(d.c.position, d.c.n).in_(keys))
                .values(message_id=letter.message_id)
            )
            made += 1
    return made


def outbox_status(view: NotificationsView, most_failing: int = 20) -> OutboxStatus:
    """How many messages wait, how many went, and those failing (most tried first)."""
    t = view.outbox
    waiting = t.c.sent_at.is_(None)
    with view.database.reading() as conn:
        pending = conn.execute(select(func.count()).select_from(t).where(waiting)).scalar_one()
        sent = conn.execute(select(func.count()).select_from(t).where(t.c.sent_at.is_not(None))).scalar_one()
        failing = conn.execute(
            select(t.c.message_id, t.c.to_address, t.c.attempts, t.c.last_error, t.c.next_attempt_at)
            .where(and_(waiting, t.c.attempts > 0))
            .order_by(t.c.attempts.desc(), t.c.position)
            .limit(most_failing)
        ).all()
    return OutboxStatus(pending, sent, [Failing(*row) for row in failing])
