"""One catch-up with the event log per HTTP request: however many aggregates a request loads (its account, the
scheme its access check reads, the use case's own loads), the aggregate cache reads the log's newer events once
(domain/repository.py). Websockets are left alone: a connection lives far longer than one command."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from domain.repository import command_scope


class CatchUpOncePerRequest:
    """ASGI middleware: each HTTP request runs in one command scope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with command_scope():
            await self.app(scope, receive, send)
