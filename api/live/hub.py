"""Fan committed view changes out to websocket subscribers, each through its own bounded queue.

The follower of the views' commits (projections/follower.py) hands the audit rows each view commit adds to the
event loop, where all subscription state lives, so ordering needs no locks:

- every row up to `delivered` has been offered to every subscription registered before it;
- a new subscription replays (after, delivered] from the view while buffering what arrives, then sends the
  buffer, dropping positions it already sent; so a resumed client gets each change once;
- before a row that may take access away (guard.py) is offered, the sockets and subscriptions it concerns are
  checked again in a thread, while every later row waits: a socket whose token no longer names an actor is
  closed, a subscription no longer allowed is dropped with a `revoked` message, one whose scope changed gets
  its new topic. A sign-out (api/storage/revocations.py) closes that token's sockets at once;
- who a token names and what a topic covers are remembered until one of those is heard (admissions.py).

As `delivered` moves, it wakes the HTTP reads waiting to see a position (`?after=`, waits.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from api.live.admissions import SIGNED_OUT, Admissions
from api.live.guard import ACCOUNTS, Verdict, changes_access, concerned, recheck
from api.live.inbox import Inboxes
from api.live.limits import Allowance, LiveLimits
from api.live.sockets import GONE, IDLE, SESSION_ENDED, TOO_SLOW, Client, Identity, Send, Subscription, WriteNow
from api.live.topics import Topic, require_topic_scope
from api.live.waits import Waits
from api.storage.revocations import RevokedTokens
from api.http.security import SignInError
from domain.application import Corral
from projections.audit.queries import changes_in
from projections.audit.view import AuditView
from projections.follower import Follower
from projections.progress.view import ProgressView
from projections.projection import ViewProjection
from projections.registry import view_of

log = logging.getLogger("corral.live")

REMEMBERED_SIGN_OUTS = 10_000


class Hub:
    """The process's subscribers, the thread that follows the views for them, and the reads waiting on the views."""

    def __init__(
        self,
        projections: Sequence[ViewProjection[Any]],
        corral: Corral,
        revocations: RevokedTokens,
        limits: LiveLimits = LiveLimits(),
    ) -> None:
        self.audit = view_of(projections, AuditView)
        self.readings = view_of(projections, ProgressView)
        self.inboxes = Inboxes(view_of(projections, Inboxes.VIEW))
        self.corral, self.revocations, self.limits = corral, revocations, limits
        self.admissions = Admissions(corral, revocations, self.readings)
        self.chunk = max(1, limits.queue_size // 8)  # rows offered between pauses that let backlogs drain
        self.idle_beats = max(1, round(limits.idle_seconds / limits.heartbeat_seconds))
        self.delivered, self.admitting = 0, 0  # admitting: sockets still in their handshake, which count as watching
        self.epoch = 0  # moves at every change that may take access away: a check made across one is made again
        self.clients: set[Client] = set()
        self.by_programme: dict[str, dict[Topic, set[Subscription]]] = {}
        self.by_account: dict[str, set[Client]] = {}
        self.waits = Waits(corral.recorder.max_notification_id)
        self.follower = Follower(
            self.audit,
            [p.view for p in projections],
            self.deliver,
            unscoped=sorted(ACCOUNTS),  # an account's or client's changes name no programme, and may close its sockets
            also={revocations.channel: self._signed_out},
            resumed=self._resumed,
            passes=self.pass_unwatched,
        )
        self._sign_outs: dict[str, None] = {}  # recent ones, oldest first: for a socket checked just before one
        self._loop: asyncio.AbstractEventLoop | None = None
        self._heartbeat: asyncio.Task[None] | None = None

    # Lifecycle (in the event loop)

    async def start(self) -> None:
        """Follow the views from their current position, and hear this process's sign-outs."""
        self._loop = asyncio.get_running_loop()
        self.delivered = min((await asyncio.to_thread(self.follower.view_positions)).values())
        self.waits.advance(self.delivered)
        self.revocations.listeners.append(self.token_revoked)
        self.follower.start(self.delivered)
        self._heartbeat = asyncio.create_task(self._beat())

    async def stop(self) -> None:
        """Stop following and close every connection."""
        self.follower.stopping.set()
        if self.token_revoked in self.revocations.listeners:
            self.revocations.listeners.remove(self.token_revoked)
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        for client in list(self.clients):
            client.cut_off(GONE, "the server is going away: reconnect and resume")
        await self.follower.stop()

    # Clients and subscriptions (in the event loop)

    def connect(self, identity: Identity, send: Send, write_now: WriteNow | None = None) -> Client:
        """A new client for this identity, writing with `write_now` where it can, else with `send`, once the caller
        has accepted its handshake; SignInError if its token was signed out meanwhile, TooManySocketsError if its
        account holds too many already."""
        if identity.claims.token_id in self._sign_outs:
            raise SignInError(SIGNED_OUT)
        sockets = self.by_account.setdefault(identity.account_id, set())
        self.limits.admit(identity.claims.username, len(sockets))
        limits = self.limits
        client = Client(send, limits.queue_size, write_now, identity=identity, accepted=False)
        client.subscribes = Allowance(limits.subscribes, limits.window_seconds)
        client.replays = Allowance(limits.replay_budget, limits.window_seconds)
        self.clients.add(client)
        sockets.add(client)
        return client

    def disconnect(self, client: Client) -> None:
        """Forget the client and its subscriptions."""
        for topic in list(client.subscriptions):
            self.unsubscribe(client, topic)
        self.clients.discard(client)
        if client.identity is not None:
            sockets = self.by_account.get(client.identity.account_id, set())
            sockets.discard(client)
            if not sockets:
                self.by_account.pop(client.identity.account_id, None)

    async def subscribe(self, client: Client, name: str, after: int | None) -> None:
        """Authorise the topic for the client's actor (DomainError if refused), register it, replay what the client
        missed since `after` (or resync if that is too much), then go live."""
        assert client.identity is not None
        require_topic_scope(client.identity.claims.scopes, name)
        while True:  # authorised again if access changed meanwhile: the pass that followed may have missed this one
            epoch = self.epoch
            topic = await self.admissions.topic(client.identity.actor, name)
            if epoch == self.epoch:
                break
        self.unsubscribe(client, name)
        until = self.delivered
        start = until if after is None else after
        subscription = Subscription(topic, client, start)
        client.subscriptions[name] = subscription
        self._index(subscription)
        client.put(json.dumps({"type": "subscribed", "topic": name, "position": until}))
        missed: list[Any] = []
        if start < until:
            budget, most, window = client.replays.remaining(), self.limits.replay_max, self.limits.replay_window
            too_far = start < until - window
            if not too_far and budget > 0:  # one more than may be replayed: so as to know there are too many
                read = changes_in if topic.inbox is None else self.inboxes.changes
                missed = await asyncio.to_thread(read, self.audit, topic, start, until, min(most, budget) + 1)
                if client.subscriptions.get(name) is not subscription:
                    return  # dropped meanwhile
            if too_far or len(missed) > most:
                missed = subscription.resync(until, f"more than {most if not too_far else window} changes were missed")
            elif budget == 0 or len(missed) > budget:
                missed = subscription.resync(until, "this connection has been replayed too much lately")
            else:
                client.replays.take(len(missed))
        held, subscription.buffer = subscription.buffer or [], None  # what arrived live while the replay was read
        for row in missed:
            subscription.offer(row.position, topic.update(row))
        for position, message in held:
            subscription.offer(position, message)

    def unsubscribe(self, client: Client, name: str) -> None:
        """Stop following a topic."""
        subscription = client.subscriptions.pop(name, None)
        if subscription is not None:
            self._unindex(subscription)

    async def pass_unwatched(self, position: int) -> bool:
        """With no socket open or opening, no one needs the rows up to `position`: move on without them, forgetting what
        admissions remember (access may change meanwhile); True. A client coming back is replayed from the view."""
        if self.clients or self.admitting:
            return False
        self.epoch += 1
        self.admissions.access_changed()
        self.delivered = max(self.delivered, position)
        self.waits.advance(self.delivered)
        return True

    async def deliver(self, rows: Sequence[Any], position: int) -> None:
        """Offer each committed row to the subscriptions it concerns: whether a topic covers it, and its
        message, decided once per topic; pause every few rows so backlogs drain as a burst goes out. A row that
        may take access away is first checked against those it concerns; an inbox hears of its notices and reading."""
        noticed = await self.inboxes.noticed(rows)
        for number, row in enumerate(rows, 1):
            if changes_access(row):
                await self._access_changed(row)
            for topic, followers in list(self.by_programme.get(row.programme_id, {}).items()):
                if topic.covers(row):
                    message = topic.update(row)
                    for subscription in list(followers):
                        subscription.offer(row.position, message)
            for subscription in self.inboxes.followers(row, noticed):
                subscription.offer(row.position, subscription.topic.update(row))
            self.delivered = max(self.delivered, row.position)  # a subscription made at the next pause replays to here
            if number % self.chunk == 0:
                await asyncio.sleep(0)
        self.delivered = max(self.delivered, position)
        self.waits.advance(self.delivered)

    # Identity and access (in the event loop; the checks in threads)

    def token_revoked(self, token_id: str) -> None:
        """A sign-out made by this process (from any thread): close the token's sockets."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._signed_out, [token_id])

    def _signed_out(self, token_ids: Iterable[str]) -> None:
        self.admissions.tokens_signed_out(token_ids := list(token_ids))
        for token_id in token_ids:
            self._sign_outs[token_id] = None
        while len(self._sign_outs) > REMEMBERED_SIGN_OUTS:
            del self._sign_outs[next(iter(self._sign_outs))]
        for client in list(self.clients):
            if client.identity is not None and client.identity.claims.token_id in self._sign_outs:
                client.cut_off(SESSION_ENDED, SIGNED_OUT)

    async def _resumed(self) -> None:
        """Listening again (PostgreSQL), so a sign-out may have gone unheard: ask afresh of open sockets' tokens."""
        self.admissions.tokens_signed_out(None)
        tokens = {client.identity.claims.token_id for client in self.clients if client.identity is not None}
        if tokens:
            self._signed_out(await asyncio.to_thread(self.revocations.revoked_among, tokens))

    async def _access_changed(self, row: Any) -> None:
        """Check again, before any later row is offered, the sockets and subscriptions this change concerns."""
        self.epoch += 1
        self.admissions.access_changed()
        checks = concerned(row, self.clients, self.by_account, self.by_programme)
        if not checks:
            return
        try:
            verdicts = await asyncio.to_thread(recheck, checks, self.admissions.identify, self.readings)
        except Exception:  # fail closed: the sockets concerned start again, and are checked afresh as they do
            log.exception("live access could not be checked again after position %s", row.position)
            for check in checks:
                check.client.cut_off(TOO_SLOW, "your access could not be checked again: reconnect")
            return
        for verdict in verdicts:
            self._apply(verdict)

    def _apply(self, verdict: Verdict) -> None:
        client = verdict.check.client
        if client not in self.clients or client.identity is None:
            return
        if verdict.closed is not None:
            return client.cut_off(SESSION_ENDED, verdict.closed)
        client.identity.actor = verdict.actor
        for subscription, topic in verdict.topics:
            name = subscription.topic.name
            if client.subscriptions.get(name) is not subscription:
                continue  # unsubscribed or replaced meanwhile
            if isinstance(topic, str):
                self.unsubscribe(client, name)
                client.put(json.dumps({"type": "revoked", "topic": name, "reason": topic}))
            elif topic != subscription.topic:
                self._unindex(subscription)
                subscription.topic = topic
                self._index(subscription)

    # Helpers

    def _index(self, subscription: Subscription) -> None:
        self.inboxes.index(subscription)
        for programme_id in subscription.topic.programme_ids:
            self.by_programme.setdefault(programme_id, {}).setdefault(subscription.topic, set()).add(subscription)

    def _unindex(self, subscription: Subscription) -> None:
        self.inboxes.unindex(subscription)
        for programme_id in subscription.topic.programme_ids:
            topics = self.by_programme.get(programme_id, {})
            followers = topics.get(subscription.topic, set())
            followers.discard(subscription)
            if not followers:
                topics.pop(subscription.topic, None)
            if not topics:
                self.by_programme.pop(programme_id, None)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.limits.heartbeat_seconds)
            beat = json.dumps({"type": "heartbeat", "position": self.delivered})
            for client in list(self.clients):
                if not client.accepted:
                    continue
                client.idle_beats = 0 if client.subscriptions else client.idle_beats + 1
                if client.idle_beats >= self.idle_beats:
                    client.cut_off(IDLE, "no topic followed for a while: closing an idle connection")
                else:
                    client.put(beat)
