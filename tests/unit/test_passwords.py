"""Choosing a password: zxcvbn, told the user's names and this service's words, refuses the guessable ones."""

from __future__ import annotations

import pytest

from api.http.passwords import DEMO_PASSWORD, WeakPasswordError, require_strong

ORGANISATION = "Devon Community Care Trust"


@pytest.mark.parametrize(
    "password",
    ["password1234", "corralpassword", "colin-colin-colin", "devoncommunity", DEMO_PASSWORD, "short"],
)
def test_a_guessable_or_published_password_is_refused(password: str) -> None:
    with pytest.raises(WeakPasswordError):
        require_strong(password, "colin", ORGANISATION, 3)


LONG = "seventeen herons watch the Dart estuary at dawn while a ferry crosses to Kingswear, twice an hour"


@pytest.mark.parametrize("password", ["torbay-nurse-2024", "bluehorse42lamp", "a long enough password", LONG])
def test_a_hard_to_guess_password_is_accepted_however_long(password: str) -> None:
    require_strong(password, "colin", ORGANISATION, 3)


def test_the_refusal_carries_zxcvbn_s_own_advice_and_the_score_needed() -> None:
    with pytest.raises(WeakPasswordError) as refused:
        require_strong("password1234", "colin", ORGANISATION, 3)

    assert str(refused.value) == (
        "this password is too easy to guess (it scores 1 of 4; 3 is needed). This is a very common password."
        " Add another word or two. Uncommon words are better."
    )


def test_a_stricter_server_refuses_three_words_that_zxcvbn_scores_3() -> None:
    require_strong("corral-password", "colin", ORGANISATION, 3)
    with pytest.raises(WeakPasswordError):
        require_strong("corral-password", "colin", ORGANISATION, 4)
