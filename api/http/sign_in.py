"""What signing in must remember outside the event log: recent failures, to throttle.

Every password check goes through `check_password`, which counts failures three ways, each in a sliding window:
- per client address, across every username: spraying many usernames from one client is slowed;
- per username, for attempts from devices that never signed in as that user (no valid device cookie, see
  api/http/devices.py): guessing one user's password from anywhere else is slowed;
- per trusted device: a device cookie stops counting as trusted after a few failures of its own.
An attempt with a trusted device is held back only by that device's own failures, so an attacker's failures can lock
the username out for untrusted clients, never for the devices the user has signed in on. Usernames and addresses are
kept only as fixed-length digests, so no text a client sends can be too long, or unstorable, for the table.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from fastapi import HTTPException, status

from api.http.security import SignInError, Verified, authenticate
from api.storage.settings import Settings
from domain.application import Corral
from api.storage.sign_in_failures import SignInFailures
from projections.database import ViewDatabase

log = logging.getLogger("corral.sign_in")
T = TypeVar("T")
LOGGED_USERNAME_CHARS = 100  # of the username tried, in a log line: a client may send any text


@dataclass(frozen=True)
class Limits:
    """How many failures each count allows within the window before attempts it covers wait."""

    window: timedelta = timedelta(minutes=15)
    per_username: int = 5
    per_device: int = 5
    per_client: int = 20

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """The limits the server was configured with."""
        return cls(
            timedelta(seconds=settings.sign_in_window_seconds),
            settings.sign_in_failures_per_username,
            settings.sign_in_failures_per_device,
            settings.sign_in_failures_per_client,
        )


@dataclass(frozen=True)
class Attempt:
    """Who tries a password: the username (normalised), the client's address, and its device if trusted for it."""

    username: str
    client: str
    device: str | None = None


class ThrottledError(SignInError):
    """Too many failed sign-ins lately, for this username, from this client or on this device."""

    def __init__(self, what: str, seconds: int, limit: str = "") -> None:
        super().__init__(f"too many failed sign-ins {what}: try again in {seconds} seconds")
        self.seconds = seconds
        self.limit = limit  # which count was over: "client", "username" or "device"


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8", "surrogatepass")).hexdigest()


def _fields(attempt: Attempt, **more: object) -> dict[str, object]:
    """What a log line says of an attempt: the username tried (cut short), the client, whether from a trusted device."""
    username = attempt.username[:LOGGED_USERNAME_CHARS]
    return {"username": username, "client": attempt.client, "trusted_device": attempt.device is not None, **more}


def http_refusal(error: SignInError) -> HTTPException:
    """A refused password as HTTP: 429 with Retry-After when throttled, else 401."""
    if isinstance(error, ThrottledError):
        return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(error), {"Retry-After": str(error.seconds)})
    return HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"})


class SignInLedger:
    """Failed password checks, counted to throttle them."""

    def __init__(self, database: ViewDatabase, limits: Limits | None = None) -> None:
        self.failures = SignInFailures(database)
        self.limits = limits or Limits()

    def check_password(self, corral: Corral, attempt: Attempt, password: str) -> Verified:
        """The account whose password this is; SignInError if wrong, ThrottledError after repeated failures.
        Each refusal is logged, with the username tried and the client, never the password."""
        return self.checked(attempt, lambda: authenticate(corral, attempt.username, password))

    def checked(self, attempt: Attempt, verify: Callable[[], T]) -> T:
        """What `verify` finds (a password's account, an API client's secret), counted as a password is: SignInError
        if it refuses, ThrottledError after repeated failures for the same name, device or client."""
        try:
            self._require_not_throttled(attempt)
        except ThrottledError as error:
            extra = {"limit": error.limit, "retry_after": error.seconds}
            log.warning("sign-in locked out: too many failures %s", error.limit, extra=_fields(attempt, **extra))
            raise
        try:
            verified = verify()
        except SignInError:
            self._failed(attempt)
            log.warning("sign-in failed", extra=_fields(attempt, reason="wrong username or password"))
            raise
        self._succeeded(attempt)
        return verified

    def _require_not_throttled(self, attempt: Attempt) -> None:
        limits = self.limits
        if attempt.device is not None:
            checks = [("device", attempt.device, limits.per_device, "on this device")]
        else:
            checks = [
                ("client", attempt.client, limits.per_client, "from this address"),
                ("username", attempt.username, limits.per_username, "for this username"),
            ]
        now = datetime.now(UTC)
        for kind, value, allowed, what in checks:
            counted_as = _digest(kind, value)
            failed = self.failures.latest(counted_as, now - limits.window, allowed)
            if len(failed) >= allowed:
                # Allowed again once the oldest of the last `allowed` failures leaves the window.
                seconds = int((failed[-1] + limits.window - now).total_seconds()) + 1
                raise ThrottledError(what, max(seconds, 1), kind)

    def _failed(self, attempt: Attempt) -> None:
        now = datetime.now(UTC)
        counted = [_digest("client", attempt.client), self._own_count(attempt)]
        self.failures.add(counted, now, forget_before=now - self.limits.window)

    def _succeeded(self, attempt: Attempt) -> None:
        """The right password clears the failures of the username or device it was tried for, never the client's."""
        self.failures.clear(self._own_count(attempt))

    @staticmethod
    def _own_count(attempt: Attempt) -> str:
        if attempt.device is not None:
            return _digest("device", attempt.device)
        return _digest("username", attempt.username)
