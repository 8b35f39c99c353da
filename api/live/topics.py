"""What a live subscriber may follow, which changes each topic covers, and what an update says.

Updates are built from the audit view's rows, which are committed with their tracking, so a push
never runs ahead of what an HTTP read would show. Progress is shared; evidence is not: an update on
a provider's progress topic names what happened and to whom, never the description or reasons.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.actors import Actor
from domain import ids
from domain.api_client import require_scope
from domain.errors import DomainError, NotFoundError
from domain.milestones import Quarter
from projections.progress.queries import (
    audit_access,
    board_access,
    may_read_dashboard,
    programme_access,
    visible_programmes,
)
from projections.progress.view import ProgressView

KINDS = {
    "progress": "progress:<programme id>",
    "dashboard": "dashboard:<provider id>",
    "board": "board:<scheme id>:<Q1-Q4>",
    "audit": "audit:<programme id>",
    "inbox": "inbox:<your username>",
}


class UnknownTopicError(DomainError):
    """A topic is one of progress:, dashboard:, board:, audit: or inbox:, with the ids it names."""


@dataclass(frozen=True)
class Topic:
    """A subscription's topic, as authorised for one actor."""

    name: str
    programme_ids: frozenset[str]
    schemes: frozenset[str] | None  # None: every scheme of the programmes
    provider_id: str | None = None  # a dashboard: this provider's own changes and its schemes' shared ones
    scheme_id: str | None = None  # a board: this scheme-quarter only
    quarter: str | None = None
    detailed: bool = False  # descriptions, reasons and who acted (on a dashboard, for its own changes only)
    inbox: tuple[str, str] | None = None  # an inbox: its organisation's notices and its account's reading (inbox.py)

    def covers(self, row: Any) -> bool:
        """True when this audit row is a change this topic's subscriber should hear of."""
        if row.programme_id not in self.programme_ids:
            return False
        if self.schemes is not None and row.scheme_id is not None and row.scheme_id not in self.schemes:
            return False
        if self.provider_id is not None and row.provider_id not in (None, self.provider_id):
            return False
        if self.scheme_id is not None:
            return row.scheme_id == self.scheme_id and row.quarter in (None, self.quarter)
        return True

    def update(self, row: Any) -> str:
        """The update message for this row, as JSON text."""
        if self.inbox is not None:  # the inbox changed: its page says how
            return json.dumps({"type": "update", "topic": self.name, "position": row.position, "change": {}})
        change = {
            "event": row.event_type,
            "aggregate": row.aggregate_type,
            "aggregate_id": row.aggregate_id,
            "version": row.aggregate_version,
            "programme_id": row.programme_id,
            "scheme_id": row.scheme_id,
            "provider_id": row.provider_id,
            "quarter": row.quarter,
            "organisation": row.actor_organisation_name,
            "occurred_at": row.occurred_at.isoformat(),
        }
        if self.detailed and (self.provider_id is None or row.provider_id == self.provider_id):
            # A dashboard hears its scheme's shared changes (a pack presented or queried) as progress only:
            # their wording may quote a neighbour's evidence.
            change |= {"actor": row.actor_user_id, "description": row.description, "reason": row.reason}
        return json.dumps({"type": "update", "topic": self.name, "position": row.position, "change": change})


# The scope an API client's token needs to follow each kind of topic; an inbox is a person's alone.
SCOPE_BY_TOPIC = {
    "progress": "progress:read",
    "dashboard": "progress:read",
    "board": "progress:read",
    "audit": "audit:read",
}


def require_topic_scope(scopes: frozenset[str] | None, name: str) -> None:
    """ScopeMissingError unless a client's token (`scopes`; None for a person) carries the topic kind's scope."""
    if scopes is not None:
        require_scope(scopes, SCOPE_BY_TOPIC.get(name.partition(":")[0]))


def authorise(readings: ProgressView, actor: Actor, name: str) -> Topic:
    """The topic `name` as this actor may follow it; NotFoundError if it is not theirs to read."""
    kind, _, rest = name.partition(":")
    parts = rest.split(":")
    try:
        if kind == "progress" and len(parts) == 1:
            access = programme_access(readings, actor, str(UUID(parts[0])))
            schemes = None if access.everything else access.schemes
            return Topic(name, frozenset({access.programme_id}), schemes, detailed=access.everything)
        if kind == "dashboard" and len(parts) == 1:
            may_read_dashboard(actor, UUID(parts[0]))
            mine = visible_programmes(readings, actor)
            schemes = frozenset().union(*(programme_access(readings, actor, p).schemes for p in mine))
            return Topic(name, frozenset(mine), schemes, provider_id=str(actor.organisation_id), detailed=True)
        if kind == "board" and len(parts) == 2:
            scheme_id, quarter = str(UUID(parts[0])), Quarter(parts[1]).value
            access = board_access(readings, actor, scheme_id)
            return Topic(
                name, frozenset({access.programme_id}), None, scheme_id=scheme_id, quarter=quarter, detailed=True
            )
        if kind == "inbox" and len(parts) == 1:
            if parts[0] != actor.user_id:  # another user's reads exactly like one that does not exist
                raise NotFoundError(f"there is no inbox {parts[0]!r} for you to follow")
            account_id = str(ids.user_id(actor.user_id))
            return Topic(name, frozenset(), None, inbox=(str(actor.organisation_id), account_id))
        if kind == "audit" and len(parts) == 1:
            access = audit_access(readings, actor, str(UUID(parts[0])))
            return Topic(name, frozenset({access.programme_id}), None, detailed=True)
    except ValueError:
        pass
    raise UnknownTopicError(f"There is no topic {name!r}: use one of {', '.join(KINDS.values())}")
