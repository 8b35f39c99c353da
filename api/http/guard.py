"""The door every request passes: a body has a size limit, and is not read at all before its sender is known.

FastAPI reads and parses a body before it resolves a route's dependencies, so without this an anonymous client
could have a server spool or parse gigabytes only to be told 401. Here, before any byte of the body is read:
- a declared Content-Length over the route's limit is answered 413;
- a request that may carry a body (anything but GET, HEAD and OPTIONS), to anything but the sign-in endpoints,
  must carry a valid bearer token or session cookie for an account that can act, or is answered as unsigned
  (401 for the API, the way to sign in for the pages); the claims and actor found go on in the scope, so the
  routes' dependencies do not look them up again (the CSRF check of a cookie session stays with them);
- a body sent without a Content-Length is counted as it arrives and cut off with 413 once it passes the limit.
An early answer closes the connection, so the rest of the body is never received.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.deps import CALLER, Caller, signed_in_actor
from api.http.errors import Pages, is_api
from api.http.faults import answer
from api.http.routing import API
from api.http.security import SignInError, read_token
from api.http.session import COOKIE, SAFE_METHODS
from api.storage.settings import Settings
from projections.reads import put_back_reads

# Choosing a password by a set-password link is a sign-in too: no session yet, and its token is the proof.
SIGN_IN_PATHS = frozenset({f"{API}/auth/token", f"{API}/auth/session", "/sign-in", "/set-password"})
UPLOAD_PATHS = re.compile(rf"{API}/attachments|/schemes/[^/]+/milestones/[^/]+/evidence")


def body_limit(settings: Settings, method: str, path: str) -> int:
    """The most bytes a request's body may hold: small for signing in, an attachment for uploads, else the default."""
    if path in SIGN_IN_PATHS:
        return settings.sign_in_max_body_bytes
    if method == "POST" and UPLOAD_PATHS.fullmatch(path):
        return settings.upload_max_body_bytes
    return settings.max_body_bytes


def needs_caller(method: str, path: str) -> bool:
    """True when the sender must be known before the body is read: any method that may carry one, but signing in."""
    return method not in SAFE_METHODS and path not in SIGN_IN_PATHS


class BodyGuard:
    """ASGI middleware: limits and authentication before the body, as the module says."""

    def __init__(self, app: ASGIApp, settings: Settings, pages: Pages | None = None) -> None:
        self.app = app
        self.settings = settings
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        limit = body_limit(self.settings, method, path)
        connection = HTTPConnection(scope)
        declared = connection.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await (await self._too_large(scope, limit))(scope, receive, send)
        if needs_caller(method, path):
            try:
                scope[CALLER] = await run_in_threadpool(self._caller, connection)
            except SignInError as error:
                return await self._unsigned(scope, str(error))(scope, receive, send)
            finally:
                put_back_reads()  # not held idle while the body arrives, however slowly
        await self.app(scope, *_limited(scope, receive, send, limit, lambda: self._too_large(scope, limit)))

    def _caller(self, connection: HTTPConnection) -> Caller:
        """The bearer token's caller, else the session cookie's (as the routes' dependencies choose), else SignInError."""
        scheme, token = get_authorization_scheme_param(connection.headers.get("authorization"))
        by_cookie = scheme.lower() != "bearer"
        if by_cookie:
            token = connection.cookies.get(COOKIE, "")
            if not token:
                raise SignInError("sign in first")
        claims = read_token(token, self.settings.signing_key())
        return Caller(claims, signed_in_actor(connection.app.state, claims), by_cookie)

    async def _too_large(self, scope: Scope, limit: int) -> Response:
        """413; as a page, it shows who is signed in, which reads the accounts: drawn off the event loop."""
        detail = f"the request body is larger than the {limit:,} bytes allowed here"
        return await run_in_threadpool(answer, scope, self.pages, 413, "Too large", detail, _CLOSE, limit=limit)

    def _unsigned(self, scope: Scope, reason: str) -> Response:
        if is_api(scope["path"]):
            return answer(scope, None, 401, "Not signed in", reason, {"WWW-Authenticate": "Bearer"} | _CLOSE)
        response = RedirectResponse("/sign-in?next=/", status_code=303)  # as a page's own form answers
        response.headers.update(_CLOSE)
        return response


_CLOSE = {"Connection": "close"}


def _limited(
    scope: Scope, receive: Receive, send: Send, limit: int, too_large: Callable[[], Awaitable[Response]]
) -> tuple[Receive, Send]:
    """The app's receive, cut off with `too_large` once the body passes `limit`, and its send, silenced after that.

    The app is told the client left; what it then sends is dropped (FastAPI would answer a body it could not
    finish reading with 400)."""
    received = 0
    answered = started = False

    async def counted() -> Message:
        nonlocal received, answered
        if answered:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                answered = True
                if not started:
                    await (await too_large())(scope, receive, send)
                return {"type": "http.disconnect"}
        return message

    async def sent(message: Message) -> None:
        nonlocal started
        if answered:
            return
        started = started or message["type"] == "http.response.start"
        await send(message)

    return counted, sent
