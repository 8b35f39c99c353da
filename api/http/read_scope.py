"""Each HTTP request's scope, set up by one ASGI middleware: its reads of the views share one connection, and its
aggregate loads catch the cache up with the event log once.

- One connection for all its reads: the token's revocation check, the access checks and the views. It is checked out
  at the request's first read, on whichever thread makes it, and returned as the answer starts (a read made while a
  body streams checks one out again), or once the request ends (see projections/reads.py). On SQLite, where reads and
  writes share one pool, reads are not shared: a request holding a read connection while it waits for a write one
  could, with enough of them at once, leave none to write with.
- One catch-up with the log: however many aggregates a request loads (its account, the scheme its access check reads,
  the use case's own loads), the aggregate cache reads the log's newer events once (domain/repository.py).

The scope wraps the guard, which loads the caller's account, and the fault pages, which read the accounts too. A
websocket is not a request: its reads take connections as they go, and a connection lives far longer than one
command.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.scopes import command_scope
from projections.reads import sharing_reads


class RequestScope:
    """ASGI middleware: each HTTP request shares one read connection and runs in one command scope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with command_scope(), sharing_reads() as shared:

            async def answering(message: Message) -> None:
                if message["type"] == "http.response.start":
                    shared.put_back()  # a slow reader of a long answer holds no connection
                await send(message)

            await self.app(scope, receive, answering)
