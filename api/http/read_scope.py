"""One connection per request for all its reads: the token's revocation check, the access checks and the views.

The connection is checked out at the request's first read, on whichever thread makes it, and returned as the answer
starts (a read made while a body streams checks one out again), or once the request ends (see projections/reads.py).
A websocket is not a request: its reads take connections as they go. On SQLite, where reads and writes share one
pool, reads are not shared: a request holding a read connection while it waits for a write one could, with enough
of them at once, leave none to write with.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from projections.reads import sharing_reads


class SharedReadsPerRequest:
    """ASGI middleware: each HTTP request's reads share one connection, as the module says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with sharing_reads() as shared:

            async def answering(message: Message) -> None:
                if message["type"] == "http.response.start":
                    shared.put_back()  # a slow reader of a long answer holds no connection
                await send(message)

            await self.app(scope, receive, answering)
