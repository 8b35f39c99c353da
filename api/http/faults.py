"""What a fault becomes, never a crash: a store that cannot be used now is a 503 with Retry-After, and anything
unexpected a 500 carrying an error id that is logged with its traceback; problem+json for the API, a page for the
pages (drawn by the page layer, handed in by the composition root)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import Pages, is_api, problem
from api.storage.faults import UNAVAILABLE, StoreUnavailableError

log = logging.getLogger("corral.http")

RETRY_AFTER_SECONDS = 5


def answer(
    scope: Scope, pages: Pages | None, status: int, title: str, detail: str, headers: dict[str, str], **extra: Any
) -> Response:
    """The problem+json for the API, or the error page for a page, with the given headers."""
    if pages is not None and not is_api(scope["path"]):
        response = pages(Request(scope), status, title, detail)
    else:
        response = problem(status, title, detail, **extra)
    response.headers.update(headers)
    return response


def fault_response(scope: Scope, pages: Pages | None, error: Exception) -> Response:
    """What the reader is told of a fault, once it is logged under a new error id."""
    error_id = secrets.token_hex(8)
    where = f"{scope.get('method', '')} {scope['path']}"
    if isinstance(error, UNAVAILABLE):
        store = error.store if isinstance(error, StoreUnavailableError) else "database"
        log.warning(
            "error %s: %s: the %s is unavailable: %s: %s",
            *(error_id, where, store, type(error).__name__, error),
            extra={"error_id": error_id, "store": store},
        )
        detail = f"the {store} is unavailable: try again in a moment (error id {error_id})"
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return answer(scope, pages, 503, "Try again in a moment", detail, retry, error_id=error_id, store=store)
    log.error("error %s: %s failed", error_id, where, exc_info=error, extra={"error_id": error_id})
    detail = f"something went wrong on our side; the operators can look it up by its error id {error_id}"
    return answer(scope, pages, 500, "Something went wrong", detail, {}, error_id=error_id)


class Faults:
    """ASGI middleware: an error no handler answered becomes a 503 or a 500 as above, if nothing was sent yet."""

    def __init__(self, app: ASGIApp, pages: Pages | None = None) -> None:
        self.app = app
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except ClientDisconnect:
            return  # no one is there to answer (or the guard already did, cutting off a body too large)
        except Exception as error:
            if started:  # half an answer cannot be taken back: the server drops the connection
                log.error("%s %s failed after its answer began", scope.get("method"), scope["path"], exc_info=error)
                raise
            # Its page shows who is signed in, which reads the accounts: off the event loop.
            await (await run_in_threadpool(fault_response, scope, self.pages, error))(scope, receive, send)
