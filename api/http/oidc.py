"""OpenID Connect sign-in, the authorisation-code flow with state, nonce and PKCE, by Authlib: its OAuth2Client makes
the authorisation URL (S256 code challenge) and the token request, and its OpenIDMixin checks the ID token (signature by
the provider's JWKS, issuer, audience, expiry, nonce). Discovery, the token request and the JWKS go over the standard
library's urllib, so the server needs no HTTP client library.

While the person is at the provider, what the callback must check (state, nonce, the PKCE verifier, where to go next)
waits in a short-lived cookie signed with the server's key: nothing is kept on the server, and any server process can
take the callback.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
from authlib.integrations.base_client.sync_openid import OpenIDMixin
from authlib.oauth2.client import OAuth2Client
from authlib.oidc.discovery.well_known import get_well_known_url

from api.storage.identity_providers import IdentityProvider

PENDING_COOKIE = "corral_oidc"
PENDING_AUDIENCE = "corral:oidc-pending"
TIMEOUT = 10.0  # seconds to wait for the identity provider


class SignInFailedError(Exception):
    """The sign-in cannot be trusted or finished: a state that is missing, tampered with or expired, a provider that
    refused or cannot be reached, an ID token that does not check out."""


@dataclass(frozen=True)
class Pending:
    """A sign-in waiting for the provider's answer: which provider, its state, nonce and PKCE verifier, and the page
    to go to after."""

    provider: str
    state: str
    nonce: str
    verifier: str
    next: str

    @classmethod
    def fresh(cls, provider: str, next_page: str) -> Pending:
        """A new sign-in's secrets, each from the operating system's random source."""
        return cls(provider, secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48), next_page)

    def sealed(self, key: str, minutes: int) -> str:
        """The cookie's value: these fields, signed with the server's key, expiring in `minutes`."""
        now = datetime.now(UTC)
        claims = {**self.__dict__, "aud": PENDING_AUDIENCE, "iat": now, "exp": now + timedelta(minutes=minutes)}
        return jwt.encode(claims, key, algorithm="HS256")

    @classmethod
    def unsealed(cls, cookie: str | None, key: str, provider: str, state: str) -> Pending:
        """The pending sign-in the cookie holds, if it is this server's, unexpired, for this provider and this state."""
        if not cookie:
            raise SignInFailedError("this sign-in was not started here, or the browser did not keep its cookie")
        try:
            claims = jwt.decode(cookie, key, algorithms=["HS256"], audience=PENDING_AUDIENCE)
        except jwt.ExpiredSignatureError:
            raise SignInFailedError("this sign-in took too long: start again") from None
        except jwt.InvalidTokenError:
            raise SignInFailedError("this sign-in's state cannot be trusted: start again") from None
        pending = cls(*(str(claims.get(name, "")) for name in ("provider", "state", "nonce", "verifier", "next")))
        if pending.provider != provider or not secrets.compare_digest(pending.state, state):
            raise SignInFailedError("this sign-in's state does not match: start again")
        return pending


class _Response:
    """What Authlib's client reads of an HTTP answer."""

    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise SignInFailedError(f"the identity provider answered {self.status_code}")


class _Transport:
    """The little of a `requests` session that Authlib's OAuth2Client uses to fetch a token: a form POST, signed
    by its client authentication."""

    def post(self, url: str, data: dict[str, str], headers: dict[str, str], auth: Any, **_: Any) -> _Response:
        url, headers, body = auth.prepare("POST", url, dict(headers), urlencode(data))
        return _request(url, headers, body.encode())


def _request(url: str, headers: dict[str, str] | None = None, body: bytes | None = None) -> _Response:
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 - the issuer is https (settings)
            return _Response(answer.status, answer.read())
    except urllib.error.HTTPError as error:
        return _Response(error.code, error.read())
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SignInFailedError(f"the identity provider cannot be reached: {error}") from None


def _json(url: str) -> dict[str, Any]:
    answer = _request(url)
    answer.raise_for_status()
    try:
        document = answer.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise SignInFailedError(f"the identity provider's {url} is not a JSON object")
    return document


_discovered: dict[str, dict[str, Any]] = {}
# A provider that could not be discovered is not asked again for a while: while it is down, each sign-in started
# with it is refused at once instead of holding a worker thread for the whole timeout.
RETRY_DISCOVERY_SECONDS = 30.0
_undiscovered: dict[str, tuple[float, str]] = {}  # issuer: (not before, on the monotonic clock; why)
_discovering: dict[str, threading.Lock] = {}
_locks = threading.Lock()


def _discovery_lock(issuer: str) -> threading.Lock:
    """One lock per issuer: a provider slow to answer holds up sign-ins with itself only."""
    with _locks:
        return _discovering.setdefault(issuer, threading.Lock())


def _discover(issuer: str) -> dict[str, Any]:
    failed = _undiscovered.get(issuer)
    if failed is not None and time.monotonic() < failed[0]:
        raise SignInFailedError(failed[1])
    try:
        metadata = _json(get_well_known_url(issuer, external=True))
        if metadata.get("issuer", "").rstrip("/") != issuer:
            raise SignInFailedError(f"the discovery document of {issuer} names another issuer")
    except SignInFailedError as error:
        _undiscovered[issuer] = (time.monotonic() + RETRY_DISCOVERY_SECONDS, str(error))
        raise
    _undiscovered.pop(issuer, None)
    return metadata


class ProviderClient(OpenIDMixin):  # type: ignore[misc]
    """This server as a client of one identity provider, found by discovery (cached per process)."""

    def __init__(self, provider: IdentityProvider, redirect_uri: str) -> None:
        self.provider = provider
        self.client_id = provider.client_id
        self.redirect_uri = redirect_uri

    def load_server_metadata(self) -> dict[str, Any]:
        """The provider's discovery document, fetched once per process (a failure is remembered for a while)."""
        issuer = self.provider.issuer
        if issuer not in _discovered:
            with _discovery_lock(issuer):
                if issuer not in _discovered:
                    _discovered[issuer] = _discover(issuer)
        return _discovered[issuer]

    def fetch_jwk_set(self, force: bool = False) -> dict[str, Any]:
        """The provider's signing keys, fetched again when a token names a key not yet seen (keys are rotated)."""
        metadata = self.load_server_metadata()
        if force or "jwks" not in metadata:
            metadata["jwks"] = _json(metadata["jwks_uri"])
        jwks: dict[str, Any] = metadata["jwks"]
        return jwks

    def _oauth(self) -> OAuth2Client:
        return OAuth2Client(
            _Transport(),
            client_id=self.provider.client_id,
            client_secret=self.provider.secret(),
            scope=self.provider.scopes,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
        )

    def authorization_url(self, pending: Pending) -> str:
        """Where to send the person: the provider's authorisation endpoint, with state, nonce and code challenge."""
        endpoint = self.load_server_metadata()["authorization_endpoint"]
        url, _ = self._oauth().create_authorization_url(
            endpoint, state=pending.state, code_verifier=pending.verifier, nonce=pending.nonce
        )
        return str(url)

    def claims(self, code: str, pending: Pending) -> dict[str, Any]:
        """The ID token's claims for this authorisation code, once every check has passed."""
        try:
            token = self._oauth().fetch_token(
                self.load_server_metadata()["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=pending.verifier,
            )
            options = {
                "iss": {"essential": True, "value": self.provider.issuer},
                "aud": {"essential": True, "value": self.provider.client_id},
            }
            claims = self.parse_id_token(token, nonce=pending.nonce, claims_options=options, leeway=60)
        except SignInFailedError:
            raise
        except Exception as error:  # Authlib's and joserfc's many errors: each means the same, do not trust it
            raise SignInFailedError(f"the identity provider's answer does not check out ({error})") from None
        if claims is None:
            raise SignInFailedError("the identity provider sent no ID token")
        return dict(claims)
