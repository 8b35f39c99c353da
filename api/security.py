"""Passwords (argon2id) and bearer tokens (signed JWT): who is asking, and for which organisation.

Local passwords are one way to sign in; an OpenID Connect provider (NHS CIS2, Azure AD) can replace
`authenticate` later, since routes depend only on the Actor a token resolves to.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.actors import Actor
from domain.application import Corral
from domain.errors import DomainError

hasher = PasswordHasher()
ALGORITHM = "HS256"


class SignInError(DomainError):
    """The username or password is wrong, or the account cannot act."""


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    if len(password) < 12:
        raise SignInError("a password needs at least 12 characters")
    return hasher.hash(password)


def authenticate(app: Corral, username: str, password: str) -> Actor:
    """The actor for a correct username and password; the same error whichever part is wrong."""
    try:
        account = app.user_account(username.strip().lower())
        hasher.verify(account.password_hash, password)
        return account.as_actor()
    except (VerificationError, InvalidHashError, DomainError):
        raise SignInError("the username or password is wrong") from None


def issue_token(actor: Actor, key: str, minutes: int) -> str:
    """A signed token naming the user, their organisation and role, valid for `minutes`."""
    now = datetime.now(UTC)
    claims = {
        "sub": actor.user_id,
        "org": str(actor.organisation_id),
        "role": actor.role.value,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
        "jti": secrets.token_hex(16),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: who, and which token, until when."""

    username: str
    token_id: str
    expires_at: datetime


def read_token(token: str, key: str) -> TokenClaims:
    """The claims of a correctly signed, unexpired token."""
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "jti"]})
    except jwt.InvalidTokenError:
        raise SignInError("the token is invalid or has expired: sign in again") from None
    return TokenClaims(str(claims["sub"]), str(claims["jti"]), datetime.fromtimestamp(claims["exp"], UTC))


def actor_from_claims(app: Corral, claims: TokenClaims, revoked: Callable[[str], bool]) -> Actor:
    """The actor a valid, not signed-out token names, checked against the account as it is now."""
    if revoked(claims.token_id):
        raise SignInError("this session was signed out: sign in again")
    try:
        return app.user_account(claims.username).as_actor()
    except DomainError:
        raise SignInError("the token is invalid or has expired: sign in again") from None
