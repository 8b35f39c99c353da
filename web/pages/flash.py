"""The confirmation a page shows once after an action: what happened and what happens next.

It crosses the redirect in a short-lived signed cookie, never in the address, so no text from a URL is ever shown
as a message; the page that shows it tells the browser to forget it, so a reload does not show it again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from fastapi import Request, Response

COOKIE = "corral_flash"
SECONDS = 120  # long enough to follow the redirect, even one that waits for the views


@dataclass(frozen=True)
class Flash:
    """What just happened, and what happens next: `Evidence sent for SE2.`, `The lead, …, will review it.`"""

    done: str
    next: str


def _signed(payload: str, key: str) -> str:
    return hmac.new(key.encode(), f"flash:{payload}".encode(), hashlib.sha256).hexdigest()


def _key(request: Request) -> str:
    key: str = request.app.state.settings.signing_key()
    return key


def carry(response: Response, request: Request, flash: Flash) -> Response:
    """The redirect, carrying the confirmation to the page it leads to."""
    expires = int(time.time()) + SECONDS
    payload = base64.urlsafe_b64encode(json.dumps([flash.done, flash.next, expires]).encode()).decode()
    response.set_cookie(
        COOKIE,
        f"{payload}.{_signed(payload, _key(request))}",
        max_age=SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
    )
    return response


def taken(request: Request) -> Flash | None:
    """The confirmation this request carries, if it is this server's, unaltered and fresh."""
    payload, _, signature = request.cookies.get(COOKIE, "").partition(".")
    if not payload or not hmac.compare_digest(_signed(payload, _key(request)), signature):
        return None
    try:
        done, then, expires = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None
    return Flash(str(done), str(then)) if int(expires) >= time.time() else None


def forget(response: Response, request: Request) -> None:
    """Once shown, the browser forgets the confirmation."""
    if COOKIE in request.cookies:
        secure = request.app.state.settings.secure_cookies
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
