"""Passwords (argon2id) and bearer tokens (signed JWT): who is asking, and for which organisation.

Local passwords are one way to sign in; an OpenID Connect provider (NHS CIS2, Azure AD) can replace
`authenticate` later, since routes depend only on the Actor a token resolves to.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache

import jwt
from argon2 import Parameters, PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from domain.actors import CLIENT_PREFIX, Actor
from domain.api_client import ClientRevokedError
from domain.application import Corral
from domain.errors import DomainError
from domain.account_rules import USERNAME
from domain.user_account import UserAccount

# The argon2id parameters new hashes are made with (`CORRAL_PASSWORD_HASHING`). A hash carries its own, so one made
# under either is checked as it was made, whichever is chosen now.
HASHINGS = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,  # argon2-cffi's default: 3 passes over 64 MiB, 4 lanes
    "owasp-minimum": Parameters(  # OWASP's least for argon2id: 2 passes over 19 MiB, 1 lane (about a fifth the work)
        Type.ID, 19, salt_len=16, hash_len=32, time_cost=2, memory_cost=19 * 1024, parallelism=1
    ),
}
HASHERS = {name: PasswordHasher.from_parameters(parameters) for name, parameters in HASHINGS.items()}
hasher = HASHERS["rfc9106-low-memory"]
ALGORITHM = "HS256"
WRONG = "the username or password is wrong"
EXPIRED = "the token is invalid or has expired: sign in again"


class SignInError(DomainError):
    """The username or password is wrong, or the account cannot act."""


def use_hashing(name: str) -> None:
    """Make new hashes with these parameters (a name of HASHINGS) in this process from now on: set once at start."""
    global hasher  # noqa: PLW0603 - the process's one choice, as its logging is
    hasher = HASHERS[name]  # one hasher a choice, so its stand-in hash is made once whoever chooses it again


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    if len(password) < 12:
        raise SignInError("a password needs at least 12 characters")
    return argon2_hash(password)


def argon2_hash(secret: str) -> str:
    """An argon2id hash of a secret, with the parameters in use."""
    return hasher.hash(secret)


@dataclass(frozen=True)
class Verified:
    """Whose password was given, and its generation: a token carries it, and a later password change ends it."""

    actor: Actor
    password_generation: int


def stand_in_hash() -> str:
    """A hash of a random password, made as real ones are, verified when there is no real hash to verify."""
    return _stand_in(hasher)


@cache
def _stand_in(made_by: PasswordHasher) -> str:
    return made_by.hash(secrets.token_urlsafe(32))


def authenticate(app: Corral, username: str, password: str) -> Verified:
    """The account a correct username and password name; the same error, and the same argon2 work, whatever is wrong.

    An unknown, disabled or malformed username is verified against a stand-in hash, so its refusal takes as long as
    a wrong password for a real user: how long the answer took does not tell whether the username exists.
    """
    account = _usable_account(app, username)
    require_secret(None if account is None else account.password_hash, password, WRONG)
    assert account is not None  # a missing account fails against the stand-in hash
    return Verified(account.as_actor(), account.password_generation)


def require_secret(stored_hash: str | None, secret: str, wrong: str) -> None:
    """SignInError(wrong) unless the secret matches the stored argon2 hash; with none stored, after the same work
    against a stand-in hash, so how long a refusal takes tells nothing of whether the name exists."""
    try:
        hasher.verify(stand_in_hash() if stored_hash is None else stored_hash, secret)
    except (VerificationError, InvalidHashError):
        raise SignInError(wrong) from None
    if stored_hash is None:
        raise SignInError(wrong)


def _usable_account(app: Corral, username: str) -> UserAccount | None:
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        return None
    try:
        account = app.user_account(name)
    except DomainError:
        return None
    return None if account.disabled else account


def issue_token(
    actor: Actor, key: str, minutes: int, password_generation: int = 0, scopes: tuple[str, ...] | None = None
) -> str:
    """A signed token naming the user, their organisation and role, and the password's generation, for `minutes`;
    an API client's also names the scopes it may act within."""
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": actor.user_id,
        "org": str(actor.organisation_id),
        "role": actor.role.value,
        "gen": password_generation,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
        "jti": secrets.token_hex(16),
    }
    if scopes is not None:
        claims["scope"] = " ".join(scopes)
    return jwt.encode(claims, key, algorithm=ALGORITHM)


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: who, and which token, until when, issued under which password generation; for an
    API client, the scopes it may act within (None for a person, whose role alone decides)."""

    username: str
    token_id: str
    expires_at: datetime
    password_generation: int = 0
    scopes: frozenset[str] | None = None


def read_token(token: str, key: str) -> TokenClaims:
    """The claims of a correctly signed, unexpired token.

    Each request and socket reads its token (some twice): the signature is checked once per token and key, and the
    expiry at every reading. Revocation, the account and its password generation are not the token's to say: each
    caller asks them afresh (`actor_from_claims`)."""
    claims = _verified(token, key)
    if claims.expires_at <= datetime.now(UTC):
        raise SignInError(EXPIRED)
    return claims


@lru_cache(maxsize=4096)
def _verified(token: str, key: str) -> TokenClaims:
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "jti"]})
        generation = claims.get("gen", 0)
        if not isinstance(generation, int):
            raise jwt.InvalidTokenError("gen")
        scope = claims.get("scope", "" if str(claims["sub"]).startswith(CLIENT_PREFIX) else None)
        if scope is not None and not isinstance(scope, str):
            raise jwt.InvalidTokenError("scope")
    except jwt.InvalidTokenError:
        raise SignInError(EXPIRED) from None
    scopes = None if scope is None else frozenset(scope.split())
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    return TokenClaims(str(claims["sub"]), str(claims["jti"]), expires_at, generation, scopes)


def actor_from_claims(app: Corral, claims: TokenClaims, revoked: Callable[[str], bool]) -> Actor:
    """The actor a valid, not signed-out token names, checked against the account as it is now."""
    if revoked(claims.token_id):
        raise SignInError("this session was signed out: sign in again")
    if claims.username.startswith(CLIENT_PREFIX):
        return _client_actor(app, claims.username.removeprefix(CLIENT_PREFIX))
    try:
        account = app.user_account_to_read(claims.username)
        actor = account.as_actor()
    except DomainError:
        raise SignInError(EXPIRED) from None
    if account.password_generation != claims.password_generation:
        raise SignInError("the password was changed after this session began: sign in again")
    return actor


def _client_actor(app: Corral, client_id: str) -> Actor:
    """The actor an API client's token names, as the client is now: a revoked client's tokens stop at once."""
    try:
        return app.api_client_to_read(client_id).as_actor()
    except ClientRevokedError:
        raise SignInError("this API client was revoked") from None
    except DomainError:
        raise SignInError("the token is invalid or has expired: ask for another") from None
