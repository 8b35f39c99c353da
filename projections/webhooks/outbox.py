"""The webhook outbox, as the deliverer (api/storage/webhooks.py) works it: what is due, delivered or failing, and
each endpoint's delivery log. The projection adds rows in the transaction of the event they tell of; here each row
is marked delivered or failed in a transaction of its own, and a row marked delivered is never handed out again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update

from projections.webhooks.view import WebhooksView

MOST_AT_ONCE = 100


@dataclass(frozen=True)
class Due:
    """A delivery due to be posted, with where to and the secret's generation to sign it with."""

    delivery_id: str
    endpoint_id: str
    url: str
    generation: int
    body: str
    attempts: int


@dataclass(frozen=True)
class Delivery:
    """One delivery as its endpoint's log shows it."""

    delivery_id: str
    kind: str
    created_at: datetime
    attempts: int
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None

    @property
    def status(self) -> str:
        """`delivered`, `failing` (tried, to be tried again) or `pending` (not tried yet)."""
        if self.delivered_at is not None:
            return "delivered"
        return "failing" if self.attempts else "pending"


@dataclass(frozen=True)
class WebhookOutboxStatus:
    pending: int
    delivered: int
    failing: list[Delivery]


def due(view: WebhooksView, now: datetime, limit: int = MOST_AT_ONCE) -> list[Due]:
    """Deliveries to enabled endpoints not yet delivered whose next try is due, taken in turns: every endpoint's
    oldest before any endpoint's second oldest, and so on (so one endpoint with much waiting does not hold up the
    others), each endpoint's oldest first."""
    o, e = view.outbox, view.endpoints
    turn = func.row_number().over(partition_by=o.c.endpoint_id, order_by=(o.c.position, o.c.delivery_id))
    waiting = (
        select(o.c.delivery_id, o.c.endpoint_id, e.c.url, e.c.generation, o.c.body, o.c.attempts)
        .add_columns(o.c.position, turn.label("turn"))
        .join(e, e.c.id == o.c.endpoint_id)
        .where(
            o.c.delivered_at.is_(None),
            e.c.enabled.is_(True),
            or_(o.c.next_attempt_at.is_(None), o.c.next_attempt_at <= now),
        )
        .subquery()
    )
    w = waiting.c
    query = (
        select(w.delivery_id, w.endpoint_id, w.url, w.generation, w.body, w.attempts)
        .order_by(w.turn, w.position, w.delivery_id)
        .limit(limit)
    )
    with view.database.reading() as conn:
        return [Due(*row) for row in conn.execute(query)]


def postpone_endpoint(view: WebhooksView, endpoint_id: str, until: datetime) -> int:
    """Hold back the endpoint's deliveries due before `until` (one of them has just failed and is tried again then),
    their attempts unchanged: they were not tried. How many were held back."""
    o = view.outbox
    with view.database.transaction() as conn:
        held = conn.execute(
            update(o)
            .where(
                o.c.endpoint_id == endpoint_id,
                o.c.delivered_at.is_(None),
                or_(o.c.next_attempt_at.is_(None), o.c.next_attempt_at < until),
            )
            .values(next_attempt_at=until)
        )
    return int(held.rowcount)


def mark_delivered(view: WebhooksView, delivery_id: str, status: int, now: datetime) -> bool:
    """Record a delivery accepted, once; False if it was marked delivered already."""
    o = view.outbox
    with view.database.transaction() as conn:
        marked = conn.execute(
            update(o)
            .where(o.c.delivery_id == delivery_id, o.c.delivered_at.is_(None))
            .values(
                delivered_at=now, last_attempt_at=now, last_status=status, last_error=None, attempts=o.c.attempts + 1
            )
        )
    return bool(marked.rowcount)


def mark_failed(
    view: WebhooksView,
    delivery_id: str,
    attempts: int,
    now: datetime,
    retry_at: datetime,
    status: int | None,
    error: str,
) -> None:
    """Record a failed try: how many so far, the answer's status if one came, why, and when to try again."""
    o = view.outbox
    with view.database.transaction() as conn:
        conn.execute(
            update(o)
            .where(o.c.delivery_id == delivery_id, o.c.delivered_at.is_(None))
            .values(
                attempts=attempts,
                last_attempt_at=now,
                next_attempt_at=retry_at,
                last_status=status,
                last_error=error[:2000],
            )
        )


_LOGGED = (
    "delivery_id",
    "kind",
    "created_at",
    "attempts",
    "last_attempt_at",
    "last_status",
    "last_error",
    "next_attempt_at",
    "delivered_at",
)


def delivery_log(view: WebhooksView, endpoint_id: str, before: int | None = None, limit: int = 50) -> list[Delivery]:
    """An endpoint's deliveries, newest first (those from events before log position `before`, if given)."""
    o = view.outbox
    query = select(*(o.c[c] for c in _LOGGED)).where(o.c.endpoint_id == endpoint_id)
    if before is not None:
        query = query.where(o.c.position < before)
    with view.database.reading() as conn:
        rows = conn.execute(query.order_by(o.c.position.desc(), o.c.delivery_id).limit(limit)).all()
    return [Delivery(*row) for row in rows]


def webhook_outbox_status(view: WebhooksView, most_failing: int = 20) -> WebhookOutboxStatus:
    """How many deliveries wait, how many were delivered, and those failing (most tried first)."""
    o = view.outbox
    waiting = o.c.delivered_at.is_(None)
    with view.database.reading() as conn:
        pending = conn.execute(select(func.count()).select_from(o).where(waiting)).scalar_one()
        delivered = conn.execute(select(func.count()).select_from(o).where(o.c.delivered_at.is_not(None))).scalar_one()
        failing = conn.execute(
            select(*(o.c[c] for c in _LOGGED))
            .where(and_(waiting, o.c.attempts > 0))
            .order_by(o.c.attempts.desc(), o.c.position)
            .limit(most_failing)
        ).all()
    return WebhookOutboxStatus(pending, delivered, [Delivery(*row) for row in failing])
