"""A small client for /api/v1/live, on the websockets package: subscribe, receive in order, resume after a drop.

    async with LiveClient("ws://127.0.0.1:8000/api/v1/live", token=token) as live:
        await live.subscribe(f"progress:{programme_id}")
        async for message in live.updates():
            print(message["position"], message["change"]["event"])

It remembers the last position seen on each topic, drops any update it has already seen, and
`updates()` reconnects by itself, resubscribing from those positions so nothing is missed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed


class LiveClient:
    """One connection to the live endpoint, and the topics and positions to resume it from."""

    def __init__(
        self, url: str, token: str | None = None, cookie: str | None = None, origin: str | None = None
    ) -> None:
        self.url = url
        self.headers: dict[str, str] = {}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        if cookie is not None:
            self.headers["Cookie"] = f"corral_session={cookie}"
        self.origin = origin
        self.positions: dict[str, int | None] = {}
        self.connection: ClientConnection | None = None

    async def __aenter__(self) -> LiveClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.close()

    async def connect(self) -> None:
        """Open the socket and resubscribe to every topic from the last position seen on it."""
        self.connection = await websockets.connect(
            self.url,
            additional_headers=self.headers,
            origin=self.origin,  # type: ignore[arg-type]
            open_timeout=10,
        )
        for topic, after in self.positions.items():
            await self._send({"type": "subscribe", "topic": topic, "after": after})

    async def close(self) -> None:
        """Close the socket."""
        if self.connection is not None:
            await self.connection.close()

    async def subscribe(self, topic: str, after: int | None = None) -> None:
        """Follow a topic; with `after`, first receive every change since that position not already seen."""
        seen = self.positions.get(topic)
        self.positions[topic] = after if seen is None or after is None else max(seen, after)
        await self._send({"type": "subscribe", "topic": topic, "after": after})

    async def unsubscribe(self, topic: str) -> None:
        """Stop following a topic."""
        self.positions.pop(topic, None)
        await self._send({"type": "unsubscribe", "topic": topic})

    async def receive(self, timeout: float | None = None) -> dict[str, Any]:
        """The next message, skipping updates already seen; raises ConnectionClosed when the socket drops."""
        assert self.connection is not None, "connect first"
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
            topic = message.get("topic")
            if message["type"] == "update" and topic in self.positions:
                if message["position"] <= (self.positions[topic] or 0):
                    continue  # already seen: a replay overlapping what arrived live
                self.positions[topic] = message["position"]
            elif message["type"] in ("subscribed", "resync") and topic in self.positions:
                if message["type"] == "resync" or self.positions[topic] is None:
                    self.positions[topic] = message["position"]
            elif message["type"] in ("refused", "revoked") and isinstance(topic, str):
                self.positions.pop(topic, None)  # not to be followed again on reconnecting
            return message

    async def updates(self, retry_seconds: float = 0.5) -> AsyncIterator[dict[str, Any]]:
        """Every update and resync, for ever, reconnecting and resuming whenever the socket drops."""
        while True:
            try:
                message = await self.receive()
            except (ConnectionClosed, OSError):
                await asyncio.sleep(retry_seconds)
                try:
                    await self.connect()
                except (ConnectionClosed, OSError):
                    continue
                continue
            if message["type"] in ("update", "resync"):
                yield message

    async def _send(self, message: dict[str, Any]) -> None:
        assert self.connection is not None, "connect first"
        await self.connection.send(json.dumps(message))
