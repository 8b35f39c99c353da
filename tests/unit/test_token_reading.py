"""A bearer token's signature is checked once, its expiry at every reading."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from api.http.security import ALGORITHM, SignInError, issue_token, read_token
from domain.actors import Actor, Role

KEY = "k" * 48


def _token_expiring_in(seconds: float, key: str = KEY) -> str:
    expires = datetime.now(UTC) + timedelta(seconds=seconds)
    return jwt.encode({"sub": "alice", "exp": expires, "jti": uuid.uuid4().hex}, key, algorithm=ALGORITHM)


def test_a_token_read_while_valid_is_refused_once_it_has_expired() -> None:
    token = _token_expiring_in(1.5)

    assert read_token(token, KEY).username == "alice"
    time.sleep(1.6)
    with pytest.raises(SignInError, match="expired"):
        read_token(token, KEY)


def test_a_token_is_refused_under_another_key_even_after_it_was_read_under_its_own() -> None:
    token = issue_token(Actor("alice", uuid.uuid4(), Role.PROVIDER), KEY, 30)

    assert read_token(token, KEY).username == "alice"
    with pytest.raises(SignInError):
        read_token(token, "another key, rotated in, " + "x" * 24)


def test_a_tampered_token_is_refused() -> None:
    token = issue_token(Actor("alice", uuid.uuid4(), Role.PROVIDER), KEY, 30)
    header, payload, signature = token.split(".")

    with pytest.raises(SignInError):
        read_token(f"{header}.{payload}.{signature[::-1]}", KEY)
