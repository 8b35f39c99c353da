"""Webhooks: each organisation's endpoints, and an outbox of signed deliveries of the events each may read."""

from projections.webhooks.projection import WebhooksProjection
from projections.webhooks.view import WebhooksView

__all__ = ["WebhooksProjection", "WebhooksView"]
