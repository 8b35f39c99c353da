"""Passwords (argon2id) and bearer tokens (signed JWT): who is asking, and for which organisation.

Local passwords are one way to sign in; an OpenID Connect provider (NHS CIS2, Azure AD) can replace
`authenticate` later, since routes depend only on the Actor a token resolves to.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.actors import Actor
from domain.application import Corral
from domain.errors import DomainError, NotFoundError

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
    except (NotFoundError, VerificationError, InvalidHashError, DomainError):
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
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def actor_from_token(app: Corral, token: str, key: str) -> Actor:
    """The actor a valid, unexpired token names, checked against the account as it is now."""
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
        return app.user_account(str(claims["sub"])).as_actor()
    except (jwt.InvalidTokenError, DomainError):
        raise SignInError("the token is invalid or has expired: sign in again") from None
