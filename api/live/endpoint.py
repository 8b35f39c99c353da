"""The websocket at /api/v1/live: the same identities as HTTP, an Origin allow-list, and topics checked per user.

Messages are JSON. The client sends `{"type": "subscribe", "topic": T, "after": P}` (P optional: the last
position it saw), `{"type": "unsubscribe", "topic": T}` or `{"type": "ping"}`, each at most a few KiB. The
server answers `subscribed` or `refused` (with a reason), then sends `update`s in log order, `resync` when the
client missed too much to replay, `heartbeat`s, `pong`s and `error`s for messages it cannot read.

Access is checked again whenever it may change. A subscription the user may no longer follow (it stopped
leading the scheme, its organisation left it) ends with `{"type": "revoked", "topic": T, "reason": R}`; a
socket whose token no longer names an actor (signed out, account disabled, password changed) is closed with
code 1008 and the reason. The limits of api/live/limits.py apply: a handshake beyond an account's sockets is
refused (429), a subscription beyond the socket's topics or subscribe messages is `refused`, a replay beyond
its cap or the socket's budget is a `resync`, and a message too big closes the socket (1009).

Messages are written through the ASGI `send`, or with `CORRAL_LIVE_SEND=fast` (the default) straight onto
uvicorn's connection where it can be (uvicorn_fast.py).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from fastapi import WebSocket, WebSocketDisconnect

from api.http.errors import problem
from api.http.routing import api_router
from api.live import uvicorn_fast
from api.live.hub import Hub
from api.live.limits import TooManySocketsError
from api.observability.metrics import LIVE_CONNECTIONS
from api.live.sockets import SESSION_ENDED, TOO_BIG, Client, Identity, Send, WriteNow
from api.http.security import SignInError, TokenClaims, read_token
from api.http.session import COOKIE
from domain.actors import Actor
from domain.errors import DomainError

router = api_router(tags=["live"])

CLOSE_WAIT = 2.0  # seconds to hand a closing client its close frame


@router.websocket("/live")
async def live(websocket: WebSocket) -> None:
    """Follow the views one may read, pushed as they commit."""
    settings = websocket.app.state.settings
    hub: Hub = websocket.app.state.hub
    origin = websocket.headers.get("origin")
    if origin is not None and origin not in settings.allowed_origins:
        return await _deny(websocket, 403, f"pages from {origin} may not open live updates")
    hub.admitting += 1  # so the hub reads what commits meanwhile, and moves the epoch only when access may change
    try:
        while True:  # checked again if access changed meanwhile: the hub's re-check may not have seen this socket
            epoch = hub.epoch
            actor, claims, by_cookie = await _signed_in(websocket, hub)
            if epoch == hub.epoch:
                break
        if by_cookie and origin is None:
            return await _deny(websocket, 403, "a browser session's live updates need the page's Origin")
        client = hub.connect(Identity(claims, actor), *_writers(websocket))
    except SignInError as error:
        return await _deny(websocket, 401, str(error))
    except TooManySocketsError as error:
        return await _deny(websocket, 429, str(error))
    finally:
        hub.admitting -= 1
    LIVE_CONNECTIONS.inc()
    try:
        await websocket.accept()
        client.accepted = True
        remaining = (claims.expires_at - datetime.now(UTC)).total_seconds()
        expiry = asyncio.get_running_loop().call_later(
            max(remaining, 0), client.cut_off, SESSION_ENDED, "your session has expired: sign in again"
        )
        tasks = [asyncio.create_task(_receive(websocket, hub, client)), asyncio.create_task(client.cut.wait())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            expiry.cancel()
            for task in tasks:
                task.cancel()
    finally:
        hub.disconnect(client)
        LIVE_CONNECTIONS.dec()
    if client.closing is not None:
        try:  # a peer that stopped reading never takes the close frame: give up and drop the connection
            await asyncio.wait_for(websocket.close(*client.closing), CLOSE_WAIT)
        except (TimeoutError, RuntimeError, OSError, WebSocketDisconnect):  # or it went first
            pass


def _writers(websocket: WebSocket) -> tuple[Send, WriteNow | None]:
    """How to write on this websocket: straight onto uvicorn's connection where the settings ask for it and it
    can be, else through the ASGI `send`, as any middleware wrapping it expects."""
    if websocket.app.state.settings.live_send == "fast":
        fast = uvicorn_fast.writers(websocket.scope)
        if fast is not None:
            return fast
    return websocket.send_text, None


async def _receive(websocket: WebSocket, hub: Hub, client: Client) -> None:
    """Read the client's messages until it goes away."""
    most = hub.limits.message_bytes
    try:
        while True:
            text = await websocket.receive_text()
            if len(text) > most or len(text.encode()) > most:
                return client.cut_off(TOO_BIG, f"a message to the server is at most {most} bytes")
            await _handle(hub, client, text)
    except (WebSocketDisconnect, RuntimeError):
        pass


async def _handle(hub: Hub, client: Client, text: str) -> None:
    try:
        message = json.loads(text)
        kind = message["type"]
    except (ValueError, TypeError, KeyError):
        return client.put(_error("send JSON objects with a type: subscribe, unsubscribe or ping"))
    topic_name = message.get("topic")
    after = message.get("after")
    limits = hub.limits
    if kind == "ping":
        client.put(json.dumps({"type": "pong", "position": hub.delivered}))
    elif kind == "unsubscribe" and isinstance(topic_name, str):
        hub.unsubscribe(client, topic_name)
    elif kind != "subscribe" or not isinstance(topic_name, str) or not isinstance(after, int | None):
        client.put(_error("subscribe needs a topic (text) and may give after (the last position you saw)"))
    elif not client.subscribes.take():
        seconds = f"{limits.window_seconds:g}"
        client.put(_refused(topic_name, f"one connection sends at most {limits.subscribes} subscribes in {seconds}s"))
    elif len(client.subscriptions) >= limits.topics and topic_name not in client.subscriptions:
        client.put(_refused(topic_name, f"one connection follows at most {limits.topics} topics"))
    else:
        try:
            await hub.subscribe(client, topic_name, after)
        except DomainError as error:
            client.put(_refused(topic_name, str(error)))


async def _signed_in(websocket: WebSocket, hub: Hub) -> tuple[Actor, TokenClaims, bool]:
    """The actor the bearer token or session cookie names, as the hub remembers it (admissions.py); SignInError if
    neither is valid."""
    app = websocket.app
    scheme, _, token = websocket.headers.get("authorization", "").partition(" ")
    by_cookie = scheme.lower() != "bearer" or not token
    if by_cookie:
        token = websocket.cookies.get(COOKIE, "")
    if not token:
        raise SignInError("sign in first: send a bearer token or the session cookie")
    claims = read_token(token, app.state.settings.signing_key())
    return await hub.admissions.actor(claims), claims, by_cookie


async def _deny(websocket: WebSocket, status_code: int, detail: str) -> None:
    title = {401: "Not signed in", 429: "Too many connections"}.get(status_code, "Forbidden")
    await websocket.send_denial_response(problem(status_code, title, detail))


def _refused(topic: str, reason: str) -> str:
    return json.dumps({"type": "refused", "topic": topic, "reason": reason})


def _error(reason: str) -> str:
    return json.dumps({"type": "error", "reason": reason})
