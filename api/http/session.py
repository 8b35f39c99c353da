"""Browser sessions: the signed token in an HttpOnly, SameSite cookie, with a CSRF token for every change.

The cookie carries the same signed token as the bearer flow, so signing out revokes both alike. A
cookie-authenticated request that changes anything must also send the session's CSRF token (an HMAC of
the token's id) in the `X-CSRF-Token` header or a `csrf_token` form field; a cross-site page can send
the cookie but cannot read the token.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import HTTPException, Request, Response, status

from api.http.devices import attempt_from, set_device_cookie
from api.http.security import Verified, issue_token
from api.http.sign_in import SignInLedger
from api.storage.settings import Settings
from domain.application import Corral

COOKIE = "corral_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(token_id: str, key: str) -> str:
    """The CSRF token of the session whose signed token has this id."""
    return hmac.new(key.encode(), f"csrf:{token_id}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(token_id: str, key: str, offered: str | None) -> bool:
    """True when the offered CSRF token is the session's, compared in constant time."""
    return offered is not None and hmac.compare_digest(csrf_token(token_id, key), offered)


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """Hand the browser its session: HttpOnly so scripts cannot read it, SameSite=Strict so other sites cannot send it."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.token_minutes * 60,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
    )


def check_password(
    request: Request, corral: Corral, ledger: SignInLedger, settings: Settings, username: str, password: str
) -> Verified:
    """Whose password this is, the attempt counted against this client and its device; SignInError if refused,
    ThrottledError (a SignInError) after repeated failures, PasswordSignInOffError (only once the password is right,
    so that a guess learns nothing) when its organisation has switched password sign-in off."""
    verified = ledger.check_password(corral, attempt_from(request, username, settings), password)
    corral.require_password_sign_in(verified.actor)
    return verified


def open_session(response: Response, verified: Verified, settings: Settings) -> str:
    """Hand the browser its session cookie, and a device cookie for the user signed in; the session's token."""
    token = issue_token(verified.actor, settings.signing_key(), settings.token_minutes, verified.password_generation)
    set_session_cookie(response, token, settings)
    set_device_cookie(response, verified.actor.user_id, settings)
    return token


def local_path(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, never another site's address ("/" instead). A path
    with a control character or white space is refused too: browsers drop tabs and newlines from an address, so
    "/\t/evil.example" would become "//evil.example", another site."""
    if not target or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target):
        return "/"
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Tell the browser to forget its session."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=settings.secure_cookies)


def require_this_site(request: Request, settings: Settings) -> None:
    """403 for a sign-in sent from another site's page; a client that is no browser sends neither header, and passes."""
    origin = request.headers.get("origin")
    if origin is not None:
        # The page's origin: this site's own (scheme and Host), or a page CORRAL_ALLOWED_ORIGINS names.
        allowed = origin in (f"{request.url.scheme}://{request.headers.get('host', '')}", *settings.allowed_origins)
    else:
        allowed = request.headers.get("sec-fetch-site") != "cross-site"
    if not allowed:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a sign-in sent from another site's page is refused")
