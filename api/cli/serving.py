"""uvicorn as `corral serve` runs it: with `--workers N` the workers share one listening socket that is bound here
with TCP_NODELAY, which the connections it accepts inherit on Linux.

uvicorn binds that shared socket itself (`Config.bind_socket`) with protocol 0, so asyncio's own TCP_NODELAY on each
accepted connection (which it sets only on sockets of protocol IPPROTO_TCP) never happens: every keep-alive response
then wrote its headers, and its body waited ~40 ms for the client's delayed ACK (Nagle's algorithm). One worker binds
through asyncio, which sets it already; its listening socket is left as uvicorn makes it.

Websockets are served without permessage-deflate. The live updates go to every subscriber as one frame built once
(api/live/uvicorn_fast.py), uncompressed, so the extension would compress only the few small replies (`subscribed`,
`pong`) while costing each socket a zlib compressor and decompressor: a sixth of the server's CPU per connect (1,000
connects took 1.10 s of it with the extension and 0.91 s without, interleaved rounds), the client's own, and about
39 KiB a socket (83 KiB each before, 44 after; bench/memory.py).
"""

from __future__ import annotations

import socket
import sys
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess


def without_delay(listening: socket.socket) -> socket.socket:
    """The socket with TCP_NODELAY set, if it is TCP (a Unix socket has no Nagle to turn off)."""
    if listening.family in (socket.AF_INET, socket.AF_INET6):
        listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listening


class NoDelayConfig(uvicorn.Config):
    """uvicorn's configuration, binding the socket that several workers share with TCP_NODELAY."""

    def bind_socket(self) -> socket.socket:
        """uvicorn's socket, without the delay."""
        return without_delay(super().bind_socket())


def serve(app: str, *, workers: int = 1, **options: Any) -> None:
    """Serve the ASGI app named `module:attribute` as `uvicorn.run` would, `options` being its keywords; several
    workers share a listening socket with TCP_NODELAY; websockets go uncompressed."""
    config = NoDelayConfig(app, workers=workers, ws_per_message_deflate=False, **options)
    server = uvicorn.Server(config)
    try:
        if config.workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
            return
        server.run()
    except KeyboardInterrupt:
        return
    if not server.started:
        sys.exit(STARTUP_FAILURE)
