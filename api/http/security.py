"""Passwords (argon2id) and bearer tokens (signed JWT): who is asking, and for which organisation.

Local passwords are one way to sign in; an OpenID Connect provider (NHS CIS2, Azure AD) can replace
`authenticate` later, since routes depend only on the Actor a token resolves to.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.actors import Actor
from domain.application import Corral
from domain.errors import DomainError
from domain.account_rules import USERNAME
from domain.user_account import UserAccount

hasher = PasswordHasher()
ALGORITHM = "HS256"
WRONG = "the username or password is wrong"


class SignInError(DomainError):
    """The username or password is wrong, or the account cannot act."""


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    if len(password) < 12:
        raise SignInError("a password needs at least 12 characters")
    return hasher.hash(password)


@dataclass(frozen=True)
class Verified:
    """Whose password was given, and its generation: a token carries it, and a later password change ends it."""

    actor: Actor
    password_generation: int


@cache
def _stand_in_hash() -> str:
    """A hash of a random password, made as real ones are, verified when there is no real hash to verify."""
    return hasher.hash(secrets.token_urlsafe(32))


def authenticate(app: Corral, username: str, password: str) -> Verified:
    """The account a correct username and password name; the same error, and the same argon2 work, whatever is wrong.

    An unknown, disabled or malformed username is verified against a stand-in hash, so its refusal takes as long as
    a wrong password for a real user: how long the answer took does not tell whether the username exists.
    """
    account = _usable_account(app, username)
    try:
        hasher.verify(_stand_in_hash() if account is None else account.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise SignInError(WRONG) from None
    if account is None:
        raise SignInError(WRONG)
    return Verified(account.as_actor(), account.password_generation)


def _usable_account(app: Corral, username: str) -> UserAccount | None:
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        return None
    try:
        account = app.user_account(name)
    except DomainError:
        return None
    return None if account.disabled else account


def issue_token(actor: Actor, key: str, minutes: int, password_generation: int = 0) -> str:
    """A signed token naming the user, their organisation and role, and the password's generation, for `minutes`."""
    now = datetime.now(UTC)
    claims = {
        "sub": actor.user_id,
        "org": str(actor.organisation_id),
        "role": actor.role.value,
        "gen": password_generation,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
        "jti": secrets.token_hex(16),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: who, and which token, until when, issued under which password generation."""

    username: str
    token_id: str
    expires_at: datetime
    password_generation: int = 0


def read_token(token: str, key: str) -> TokenClaims:
    """The claims of a correctly signed, unexpired token."""
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "jti"]})
        generation = claims.get("gen", 0)
        if not isinstance(generation, int):
            raise jwt.InvalidTokenError("gen")
    except jwt.InvalidTokenError:
        raise SignInError("the token is invalid or has expired: sign in again") from None
    return TokenClaims(str(claims["sub"]), str(claims["jti"]), datetime.fromtimestamp(claims["exp"], UTC), generation)


def actor_from_claims(app: Corral, claims: TokenClaims, revoked: Callable[[str], bool]) -> Actor:
    """The actor a valid, not signed-out token names, checked against the account as it is now."""
    if revoked(claims.token_id):
        raise SignInError("this session was signed out: sign in again")
    try:
        account = app.user_account(claims.username)
        actor = account.as_actor()
    except DomainError:
        raise SignInError("the token is invalid or has expired: sign in again") from None
    if account.password_generation != claims.password_generation:
        raise SignInError("the password was changed after this session began: sign in again")
    return actor
