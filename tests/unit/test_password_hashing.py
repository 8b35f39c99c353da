"""Password hashes: argon2id with RFC 9106's low-memory parameters unless the operator chooses OWASP's least, and a
hash made under either is checked as it was made, whichever is in use now."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from api.http import security
from api.storage.settings import Settings

PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def hashing_restored() -> Iterator[None]:
    """This process's choice as tests/conftest.py made it, after each scenario."""
    before = security.hasher
    yield
    security.hasher = before


def test_a_server_told_nothing_hashes_with_rfc_9106_low_memory_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORRAL_PASSWORD_HASHING", raising=False)
    security.use_hashing(Settings().password_hashing)

    made = security.hash_password(PASSWORD)

    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_owasps_least_parameters_are_two_passes_over_19_mib_in_one_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRAL_PASSWORD_HASHING", "owasp-minimum")
    security.use_hashing(Settings().password_hashing)

    made = security.hash_password(PASSWORD)

    assert made.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_made_under_one_choice_is_checked_under_the_other() -> None:
    security.use_hashing("rfc9106-low-memory")
    older = security.hash_password(PASSWORD)
    security.use_hashing("owasp-minimum")

    security.require_secret(older, PASSWORD, "wrong")
    with pytest.raises(security.SignInError, match="wrong"):
        security.require_secret(older, "not the password at all", "wrong")


def test_an_unknown_name_is_checked_against_a_stand_in_made_with_the_choice_in_use() -> None:
    for name, parameters in security.HASHINGS.items():
        security.use_hashing(name)

        stand_in = PasswordHasher.from_parameters(parameters)
        with pytest.raises(VerifyMismatchError):
            stand_in.verify(security.stand_in_hash(), PASSWORD)
        assert f"m={parameters.memory_cost},t={parameters.time_cost},p={parameters.parallelism}$" in (
            security.stand_in_hash()
        )


def test_the_setting_offers_exactly_the_parameters_there_are() -> None:
    offered = get_args(Settings.model_fields["password_hashing"].annotation)

    assert set(offered) == set(security.HASHINGS)
    with pytest.raises(ValueError, match="password_hashing"):
        Settings(password_hashing="md5")  # type: ignore[arg-type]
