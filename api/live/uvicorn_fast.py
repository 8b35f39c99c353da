"""The fast way to push an update: one frame, built once for every subscriber, written straight onto uvicorn's
websocket connection, without an ASGI `send` coroutine per socket and message.

It bypasses any ASGI middleware that wraps `send` (tracing, for one): `CORRAL_LIVE_SEND=asgi` turns it off, and
every message then goes through the ASGI `send`. Everything that reads uvicorn's private protocol is in this
module. The import is guarded and each connection's protocol is checked for what the fast path reads, so if
uvicorn moves or reshapes it the app still imports and serves, through the ASGI `send`, and says why once in the
log; tests/unit/test_live_uvicorn_fast.py fails naming uvicorn's version and what changed. uvicorn is pinned
(pyproject.toml) for this reason.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from starlette.types import ASGIApp, Receive, Scope
from starlette.types import Send as ASGISend
from websockets.frames import Frame, Opcode
from websockets.protocol import Protocol, State

from api.live.sockets import Send, WriteNow

log = logging.getLogger("corral.live")

SERVER_SEND = "corral.server_send"
PROTOCOL_MODULE = "uvicorn.protocols.websockets.websockets_sansio_impl"
PROTOCOL_CLASS = "WebSocketsSansIOProtocol"
# What the fast path reads of the protocol object, and what each must be.
READS: dict[str, Callable[[Any], bool]] = {
    "conn (a websockets Protocol)": lambda p: isinstance(p.conn, Protocol),
    "transport (with write)": lambda p: callable(p.transport.write),
    "writable (an asyncio.Event)": lambda p: isinstance(p.writable, asyncio.Event),
    "close_sent (a bool)": lambda p: isinstance(p.close_sent, bool),
    "disconnected (a bool)": lambda p: isinstance(p.disconnected, bool),
}


def _protocol_class() -> tuple[type[Any] | None, str | None]:
    """uvicorn's websockets protocol class, or None and why not."""
    try:
        module = importlib.import_module(PROTOCOL_MODULE)
    except ImportError as error:
        return None, f"{PROTOCOL_MODULE} cannot be imported ({error})"
    protocol = getattr(module, PROTOCOL_CLASS, None)
    if not isinstance(protocol, type):
        return None, f"{PROTOCOL_MODULE} has no {PROTOCOL_CLASS}"
    return protocol, None


PROTOCOL, UNAVAILABLE = _protocol_class()
_said: set[str] = set()


class ServerSend:
    """ASGI middleware handing each websocket the server's own `send`, from beneath the framework's wrappers, so
    that the fast path can find uvicorn's protocol object behind it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: ASGISend) -> None:
        if scope["type"] == "websocket":
            scope[SERVER_SEND] = send
        await self.app(scope, receive, send)


def writers(scope: Scope) -> tuple[Send, WriteNow] | None:
    """The server's own `send` and a writer straight onto the connection, if the socket is served by the uvicorn
    protocol this fits; else None, and why is logged once."""
    server_send: ASGISend | None = scope.get(SERVER_SEND)
    protocol = getattr(server_send, "__self__", None)
    if PROTOCOL is None:
        why = f"{UNAVAILABLE} (uvicorn {version('uvicorn')})"
    elif not isinstance(protocol, PROTOCOL):
        why = f"a socket is not served by {PROTOCOL_CLASS} (another server or --ws, or ServerSend not outermost)"
    elif unfit := misfits(protocol):
        why = f"uvicorn {version('uvicorn')}'s {PROTOCOL_CLASS} no longer has {', '.join(unfit)}"
    else:
        assert server_send is not None
        send = server_send
        return (lambda text: send({"type": "websocket.send", "text": text})), _frames(protocol)
    if why not in _said:
        _said.add(why)
        log.warning("CORRAL_LIVE_SEND=fast, but %s: live updates go through the ASGI send instead", why)
    return None


def misfits(protocol: object) -> list[str]:
    """What the fast path reads that this connection's protocol object lacks, or holds in another form."""
    unfit = []
    for what, fits in READS.items():
        try:
            if fits(protocol):
                continue
        except AttributeError:
            pass
        unfit.append(what)
    return unfit


def _frames(protocol: Any) -> WriteNow:
    """Write a pushed update onto uvicorn's sans-I/O websockets connection as one prebuilt frame. Anything that
    uvicorn's `send` would wait for or refuse (a paused transport, a closing connection) is left to it."""
    conn, transport, writable = protocol.conn, protocol.transport, protocol.writable

    def write_now(text: str) -> bool:
        if protocol.close_sent or protocol.disconnected or conn.state is not State.OPEN or not writable.is_set():
            return False
        transport.write(text_frame(text))
        return True

    return write_now


@lru_cache(maxsize=64)
def text_frame(text: str) -> bytes:
    """A server's text frame for the update, built once for every subscriber it goes to (the hub hands them all
    the same text). It is sent uncompressed, as permessage-deflate allows message by message: compressing it
    for each socket would cost more than writing it, and leaves each socket's compression context untouched,
    so what uvicorn compresses on it later still decodes."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
