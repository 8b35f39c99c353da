"""A connected websocket as the hub sees it: who it is, the topics it follows, and its outgoing messages.

A client's messages go out in order. Where the server lets us (uvicorn's connection, `WriteNow`, see
uvicorn_fast.py), a message is written at once while the socket takes it, so a delivery to a healthy socket costs
no task switch, and every subscriber to a topic is handed the same text so its frame is built once for all. Any
other message goes into a bounded backlog that a task of the client's own drains through the ASGI `send`, waiting
as the socket pushes back: a write never waits on another client, and a client whose backlog is full is cut off
rather than allowed to hold the others back.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from api.live.limits import Allowance, LiveLimits
from api.live.topics import Topic
from api.http.security import TokenClaims
from domain import ids
from domain.actors import CLIENT_PREFIX, Actor

IDLE = 1000
GONE = 1001
SESSION_ENDED = 1008  # policy violation: the identity the socket was opened with is no longer valid
TOO_BIG = 1009
TOO_SLOW = 1013  # "try again later": reconnect and resume from the last position seen
CLOSE_REASON_BYTES = 123  # the most a close frame's reason may hold

Send = Callable[[str], Awaitable[None]]  # the ASGI way: a coroutine that returns once the socket took the text
WriteNow = Callable[[str], bool]  # writes a frame if the socket can take it at once; False leaves it to Send


@dataclass
class Identity:
    """Who opened the socket: the token's claims, and the actor they named when last checked."""

    claims: TokenClaims
    actor: Actor

    @property
    def account_id(self) -> str:
        """The id of the account's (or API client's) aggregate, as the audit trail names it."""
        if self.claims.username.startswith(CLIENT_PREFIX):
            return str(ids.api_client_id(self.claims.username.removeprefix(CLIENT_PREFIX)))
        return str(ids.user_id(self.claims.username))


@dataclass(eq=False)
class Subscription:
    """One topic one client follows, and the last position sent on it."""

    topic: Topic
    client: Client
    last_sent: int
    buffer: list[tuple[int, str]] | None = field(default_factory=list)  # None once replayed: live

    def offer(self, position: int, message: str) -> None:
        """Send, or hold while the replay runs; never a position already sent."""
        if self.buffer is not None:
            self.buffer.append((position, message))
        elif position > self.last_sent:
            self.last_sent = position
            self.client.put(message)

    def resync(self, position: int, why: str) -> list[Any]:
        """Tell the client to read the page again instead of replaying; nothing to replay."""
        self.last_sent = position
        reason = f"{why}: read the page again over HTTP"
        message = {"type": "resync", "topic": self.topic.name, "position": position, "reason": reason}
        self.client.put(json.dumps(message))
        return []


@dataclass(eq=False)
class Client:
    """A connected websocket's subscriptions, and its outgoing messages, written in order without waiting."""

    send: Send
    limit: int  # messages a socket that pushes back may have waiting before it is cut off
    write_now: WriteNow | None = None
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    backlog: deque[str] = field(default_factory=deque)
    draining: asyncio.Task[None] | None = None
    closing: tuple[int, str] | None = None
    cut: asyncio.Event = field(default_factory=asyncio.Event)
    idle_beats: int = 0  # heartbeats in a row with no topic followed
    identity: Identity | None = None
    accepted: bool = True  # False while the handshake is answered: nothing may be written yet
    subscribes: Allowance = field(default_factory=lambda: Allowance(LiveLimits.subscribes, LiveLimits.window_seconds))
    replays: Allowance = field(default_factory=lambda: Allowance(LiveLimits.replay_budget, LiveLimits.window_seconds))

    def put(self, message: str) -> None:
        """Write the message now if the socket takes it at once and nothing waits before it, else after those
        waiting; a full backlog cuts the client off."""
        if self.closing is not None:
            return
        if self.draining is None and self.write_now is not None and self.write_now(message):
            return
        if self.draining is None:
            self.draining = asyncio.get_running_loop().create_task(self._drain(message))
        elif len(self.backlog) < self.limit:
            self.backlog.append(message)
        else:
            self.cut_off(TOO_SLOW, "too slow to keep up: reconnect and resume from the last position you saw")

    def cut_off(self, code: int, reason: str) -> None:
        """Drop what is waiting and have the connection closed with this code and reason."""
        if self.closing is None:
            self.closing = (code, reason.encode()[:CLOSE_REASON_BYTES].decode(errors="ignore"))
            self.backlog.clear()
            if self.draining is not None:
                self.draining.cancel()
            self.cut.set()

    async def _drain(self, first: str) -> None:
        """Send `first`, then the backlog, in order, each once the socket has taken the one before."""
        try:
            await self.send(first)
            while self.backlog:
                await self.send(self.backlog.popleft())
        except Exception:  # whatever the socket raised, it can take nothing more
            self.draining = None  # this task ends here: nothing for cut_off to cancel
            self.cut_off(GONE, "the connection failed")
        finally:
            self.draining = None
