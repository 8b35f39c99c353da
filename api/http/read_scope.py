"""One connection per request for all its reads: the token's revocation check, the access checks and the views.

The connection is checked out at the request's first read, on whichever thread makes it, and returned once the
answer is sent (see projections/reads.py). A websocket is not a request: its reads take connections as they go.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from projections.reads import sharing_reads


class SharedReadsPerRequest:
    """ASGI middleware: each HTTP request's reads share one connection, as the module says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with sharing_reads():
            await self.app(scope, receive, send)
