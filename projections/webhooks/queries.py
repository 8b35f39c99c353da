"""Every read of the webhooks view: an organisation's endpoints, one of them, and its delivery log. Another
organisation's endpoint reads exactly like one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from domain.actors import Actor
from domain.errors import NotFoundError
from domain.webhooks import UNKNOWN_ENDPOINT
from projections.webhooks.outbox import Delivery, delivery_log
from projections.webhooks.view import WebhooksView


@dataclass(frozen=True)
class Endpoint:
    """An endpoint as its organisation's administrator sees it (never its secret)."""

    id: str
    url: str
    kinds: list[str]
    description: str
    enabled: bool
    generation: int
    version: int
    registered_at: datetime


def endpoints_of(view: WebhooksView, organisation_id: UUID, endpoint_id: str | None = None) -> list[Endpoint]:
    """The organisation's endpoints (or the one with that id), in order of address."""
    t = view.endpoints
    query = select(
        t.c.id, t.c.url, t.c.kinds, t.c.description, t.c.enabled, t.c.generation, t.c.version, t.c.registered_at
    ).where(t.c.organisation_id == str(organisation_id))
    if endpoint_id is not None:
        query = query.where(t.c.id == endpoint_id)
    with view.database.reading() as conn:
        rows = conn.execute(query.order_by(t.c.url, t.c.id)).all()
    return [Endpoint(r.id, r.url, r.kinds.split(), *r[3:]) for r in rows]


def enabled_endpoints(view: WebhooksView, organisation_id: UUID) -> list[str]:
    """The ids of the endpoints the organisation has enabled."""
    t = view.endpoints
    query = select(t.c.id).where(t.c.organisation_id == str(organisation_id), t.c.enabled.is_(True))
    with view.database.reading() as conn:
        return [str(i) for i in conn.execute(query).scalars()]


def deliveries_of(
    view: WebhooksView, actor: Actor, endpoint_id: UUID, before: int | None = None, limit: int = 50
) -> list[Delivery]:
    """The endpoint's delivery log, newest first, if the actor administers its organisation; NotFoundError for
    anyone else, as for an endpoint that does not exist."""
    if not actor.administers(actor.organisation_id) or not endpoints_of(view, actor.organisation_id, str(endpoint_id)):
        raise NotFoundError(UNKNOWN_ENDPOINT)
    return delivery_log(view, str(endpoint_id), before, limit)
