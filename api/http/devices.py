"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a client a user signed in on.

A successful sign-in hands the client a long-lived cookie signed for that username. Attempts that carry a valid one
are counted against that device, not against the username, so nobody can lock a user out of the devices they have
signed in on by failing to sign in as them from elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from api.storage.settings import Settings
from api.http.sign_in import Attempt

DEVICE_COOKIE = "corral_device"


def _signature(username: str, nonce: str, key: str) -> str:
    message = f"device:{username}:{nonce}".encode("utf-8", "surrogatepass")
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def device_cookie(username: str, key: str) -> str:
    """A new device cookie's value: a random device id, signed together with the username it signed in."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_signature(username, nonce, key)}"


def trusted_device(cookie: str | None, username: str, key: str) -> str | None:
    """The device's id when the cookie was signed for this username; None for no cookie, another's, or a forgery."""
    if cookie is None or cookie.count(".") != 1:
        return None
    nonce, signature = cookie.split(".")
    return nonce if hmac.compare_digest(_signature(username, nonce, key), signature) else None


def attempt_from(request: Request, username: str, settings: Settings) -> Attempt:
    """A password attempt: the username, the client's own address (never a forwarded one), its device, if trusted."""
    name = username.strip().lower()
    client = request.client.host if request.client is not None else "unknown"
    device = trusted_device(request.cookies.get(DEVICE_COOKIE), name, settings.signing_key())
    return Attempt(name, client, device)


def set_device_cookie(response: Response, username: str, settings: Settings) -> None:
    """Remember that this client signed in as the user: HttpOnly, SameSite=Strict, for settings.device_cookie_days."""
    response.set_cookie(
        DEVICE_COOKIE,
        device_cookie(username.strip().lower(), settings.signing_key()),
        max_age=settings.device_cookie_days * 24 * 60 * 60,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
    )
