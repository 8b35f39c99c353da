"""Which committed changes may take access away, and the re-check of the sockets and subscriptions they concern.

DOMAIN.md: a user who loses access loses it everywhere at once, live connections included. The hub hears every
change in log order and, before it delivers anything after one of these, re-checks what it may concern:
- a change to an account (disabled, a new password or role, an auditor's grant withdrawn) or an API client (revoked):
  that account's or client's sockets, whose tokens must still name an
  actor as HTTP would accept them (`actor_from_claims`), then their subscriptions for the actor now named;
- a lead designated or re-designated, a provider joining a programme, a scheme's terms agreed (participants may
  have left or joined): the subscriptions whose topics cover that programme, and those of the provider named.
A sign-out is not an event: it reaches the hub from `RevokedTokens` (api/storage/revocations.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api.live.sockets import Client, Subscription
from api.live.topics import Topic, authorise
from api.http.security import SignInError, TokenClaims
from domain.actors import Actor, Role
from domain.api_client import ApiClient
from domain.errors import DomainError
from domain.programme import Programme
from domain.scheme import Scheme
from domain.user_account import UserAccount
from projections.progress.view import ProgressView

ACCOUNT = UserAccount.__name__
ACCOUNTS = frozenset({ACCOUNT, ApiClient.__name__})  # whose changes may end the sockets opened with their tokens
ACCESS_CHANGES = frozenset(
    (kind.__qualname__.split(".")[0], kind.__name__)
    for kind in (
        Programme.ProviderJoined,
        Programme.LeadProviderDesignated,
        Programme.LeadProviderRedesignated,
        Scheme.Agreed,
    )
)


# What a user decides about their own notifications changes no one's access.
PREFERENCES = frozenset(kind.__name__ for kind in (UserAccount.NotificationsRead, UserAccount.EmailChoiceMade))


def changes_access(row: Any) -> bool:
    """True for an audit row after which some socket or subscription may no longer be allowed."""
    if row.aggregate_type in ACCOUNTS:
        return row.event_type not in PREFERENCES
    return (row.aggregate_type, row.event_type) in ACCESS_CHANGES


@dataclass(frozen=True)
class Check:
    """What to re-check of one client: who it is (for an account change), and these subscriptions."""

    client: Client
    claims: TokenClaims | None  # None: the identity stands; only the subscriptions are authorised again
    actor: Actor
    subscriptions: tuple[Subscription, ...]


@dataclass(frozen=True)
class Verdict:
    """A check's outcome: why the socket must close, or the actor and each subscription's topic or refusal."""

    check: Check
    closed: str | None
    actor: Actor
    topics: tuple[tuple[Subscription, Topic | str], ...]


def concerned(
    row: Any,
    clients: Iterable[Client],
    by_account: Mapping[str, set[Client]],
    by_programme: Mapping[str, Mapping[Topic, set[Subscription]]],
) -> list[Check]:
    """What to check again after this change: an account's sockets, who they are and all they follow; else the
    subscriptions covering the change's programme and, for a provider named, all its sockets follow."""
    if row.aggregate_type in ACCOUNTS:
        return [
            _check(client, client.subscriptions.values(), identity=True)
            for client in by_account.get(row.aggregate_id, ())
        ]
    subscriptions: dict[Client, list[Subscription]] = {}
    for followers in by_programme.get(row.programme_id, {}).values():
        for subscription in followers:
            subscriptions.setdefault(subscription.client, []).append(subscription)
    if row.provider_id is not None:  # a provider joining a programme: its dashboards follow more
        for client in clients:
            if client.identity is not None and str(client.identity.actor.organisation_id) == row.provider_id:
                subscriptions[client] = list(client.subscriptions.values())
    return [_check(client, followed) for client, followed in subscriptions.items()]


def _check(client: Client, subscriptions: Iterable[Subscription], identity: bool = False) -> Check:
    assert client.identity is not None
    claims = client.identity.claims if identity else None
    return Check(client, claims, client.identity.actor, tuple(subscriptions))


def recheck(checks: Iterable[Check], identify: Callable[[TokenClaims], Actor], readings: ProgressView) -> list[Verdict]:
    """Each check's verdict, read from the views and the accounts (so, in a thread); a topic is authorised once
    per role, organisation, programmes granted and name, which is all authorisation depends on."""
    authorised: dict[tuple[Role, UUID, frozenset[UUID], str], Topic | str] = {}
    verdicts = []
    for check in checks:
        actor = check.actor
        if check.claims is not None:
            try:
                actor = identify(check.claims)
            except SignInError as error:
                verdicts.append(Verdict(check, str(error), actor, ()))
                continue
        topics = []
        for subscription in check.subscriptions:
            key = (actor.role, actor.organisation_id, actor.programmes, subscription.topic.name)
            if key not in authorised:
                try:
                    authorised[key] = authorise(readings, actor, subscription.topic.name)
                except DomainError as error:
                    authorised[key] = str(error)
            topics.append((subscription, authorised[key]))
        verdicts.append(Verdict(check, None, actor, tuple(topics)))
    return verdicts
