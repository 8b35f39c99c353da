"""OAuth2's client-credentials grant (RFC 6749 §4.4): another system exchanges its API client's id and secret for a
bearer token limited to the scopes it asks for (all its client's by default), with no refresh token.

A secret is 256 random bits, shown once and held only as an argon2 hash, as passwords are; a wrong one costs the
same argon2 work as an unknown client id, and failures are throttled by the sign-in ledger, as passwords are.
Refusals take OAuth2's own shape (`{"error": "invalid_client", ...}`), made by Authlib.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidScopeError,
    OAuth2Error,
    UnsupportedGrantTypeError,
)
from authlib.oauth2.rfc6749.util import extract_basic_authorization, scope_to_list
from fastapi import Request
from fastapi.responses import JSONResponse

from api.http.security import SignInError, argon2_hash, issue_token, require_secret
from api.http.sign_in import Attempt, SignInLedger, ThrottledError
from api.storage.settings import Settings
from domain.actors import CLIENT_PREFIX
from domain.api_client import CLIENT_ID, ApiClient
from domain.application import Corral
from domain.errors import DomainError

WRONG = "the client id or secret is wrong, or the client was revoked"


def new_credentials() -> tuple[str, str]:
    """A fresh client id (public) and secret (shown once)."""
    return secrets.token_hex(12), secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """An argon2id hash of a client's secret."""
    return argon2_hash(secret)


def authenticate_client(corral: Corral, client_id: str, secret: str) -> ApiClient:
    """The client whose id and secret these are, not revoked; SignInError, after the same argon2 work, otherwise."""
    client = _usable_client(corral, client_id)
    require_secret(None if client is None else client.secret_hash, secret, WRONG)
    assert client is not None  # a missing client fails against the stand-in hash
    return client


def _usable_client(corral: Corral, client_id: str) -> ApiClient | None:
    if not CLIENT_ID.fullmatch(client_id):
        return None
    try:
        client = corral.api_client(client_id)
    except DomainError:
        return None
    return None if client.revoked else client


class OAuthRefusal(Exception):
    """A token request refused in OAuth2's words."""

    def __init__(self, error: OAuth2Error) -> None:
        super().__init__(error.description)
        self.error = error

    def response(self) -> JSONResponse:
        """The refusal as RFC 6749 §5.2 shapes it."""
        headers = {k: v for k, v in self.error.get_headers() if k.lower() != "content-type"}
        return JSONResponse(dict(self.error.get_body()), self.error.status_code, headers)


@dataclass(frozen=True)
class ClientToken:
    """A bearer token for a client, and the scopes it carries."""

    access_token: str
    scopes: tuple[str, ...]


def client_token(
    request: Request,
    corral: Corral,
    ledger: SignInLedger,
    settings: Settings,
    form: tuple[str | None, str | None, str],
) -> ClientToken:
    """The token a client-credentials request earns; OAuthRefusal if refused, ThrottledError after repeated
    failures. `form` is the body's client_id, client_secret and scope; HTTP Basic takes precedence over the body."""
    client_id, secret, scope = form
    basic_id, basic_secret = extract_basic_authorization(request.headers)
    if basic_id is not None:
        client_id, secret = basic_id, basic_secret
    if not client_id or secret is None:
        description = "give the client_id and client_secret, in the form or by HTTP Basic"
        raise OAuthRefusal(InvalidClientError(description=description, status_code=401))
    address = request.client.host if request.client is not None else "unknown"
    # A client's failures count per client and address: a secret of 256 random bits needs no lock-out of its own,
    # and one counted per client alone would let anyone who knows a client id lock it out from anywhere. Guessing
    # across clients is still slowed by the per-address count.
    attempt = Attempt(f"{CLIENT_PREFIX}{client_id.strip().lower()} from {address}", address)
    try:
        client = ledger.checked(attempt, lambda: authenticate_client(corral, client_id.strip().lower(), secret))
    except ThrottledError:
        raise  # answered as a throttled password is: 429 with Retry-After
    except SignInError:
        raise OAuthRefusal(InvalidClientError(description=WRONG, status_code=401)) from None
    asked = scope_to_list(scope) or list(client.scopes)
    beyond = sorted(set(asked) - set(client.scopes))
    if beyond:
        description = f"the client may not have the scope {' or '.join(beyond)}"
        raise OAuthRefusal(InvalidScopeError(description=description))
    scopes = tuple(sorted(set(asked)))
    token = issue_token(client.as_actor(), settings.signing_key(), settings.token_minutes, scopes=scopes)
    return ClientToken(token, scopes)


def unsupported_grant(grant_type: str) -> OAuthRefusal:
    """A token request for a grant Corral does not give."""
    error = UnsupportedGrantTypeError(grant_type[:40])
    error.description = f"ask for password or client_credentials, not {grant_type[:40]!r}"
    return OAuthRefusal(error)
