"""Live inboxes: `inbox:<username>` follows the notices raised for the user's organisation and the user's own
reading, so a page's unread count moves as they happen. Who may follow it: the user, no one else.

The audit rows the follower hands over do not say who a notice is for, so each batch's recipients are read from the
notifications view (committed with the rows: the follower never runs ahead of any view) before it is offered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import Any

from api.live.sockets import Subscription
from api.live.topics import Topic
from projections.audit.view import AuditView
from projections.notifications.queries import READ, inbox_changes, recipients
from projections.notifications.view import NotificationsView


class Inboxes:
    """The inbox subscriptions of one hub, by organisation (for notices) and by account (for reading)."""

    VIEW = NotificationsView

    def __init__(self, view: NotificationsView) -> None:
        self.view = view
        self.by_organisation: dict[str, set[Subscription]] = {}
        self.by_account: dict[str, set[Subscription]] = {}

    def index(self, subscription: Subscription) -> None:
        """Follow for this subscription, if it is an inbox's."""
        if subscription.topic.inbox is not None:
            organisation_id, account_id = subscription.topic.inbox
            self.by_organisation.setdefault(organisation_id, set()).add(subscription)
            self.by_account.setdefault(account_id, set()).add(subscription)

    def unindex(self, subscription: Subscription) -> None:
        """Stop following for this subscription."""
        if subscription.topic.inbox is not None:
            for index, key in zip((self.by_organisation, self.by_account), subscription.topic.inbox, strict=True):
                index.get(key, set()).discard(subscription)
                if not index.get(key, True):
                    del index[key]

    async def noticed(self, rows: Sequence[Any]) -> dict[int, set[str]]:
        """The organisations these rows' positions raised notices for; nothing read while no inbox is followed."""
        if not self.by_organisation or not rows:
            return {}
        return await asyncio.to_thread(recipients, self.view, rows[0].position - 1, rows[-1].position)

    def followers(self, row: Any, noticed: dict[int, set[str]]) -> Iterator[Subscription]:
        """The inbox subscriptions this row changes."""
        for organisation_id in noticed.get(row.position, ()):
            yield from list(self.by_organisation.get(organisation_id, ()))
        if row.event_type == READ:
            yield from list(self.by_account.get(row.aggregate_id, ()))

    def changes(self, audit: AuditView, topic: Topic, after: int, until: int, limit: int) -> list[Any]:
        """The rows an inbox subscription missed (see `inbox_changes`)."""
        assert topic.inbox is not None
        organisation_id, account_id = topic.inbox
        return inbox_changes(audit, self.view, organisation_id, account_id, after, until, limit)
