"""The server's refusal of a projector batch whose view another writer moved (projections/tail.py) is told apart from
any other failed cast: its text carries a token of this process's own, and is found in any language's message."""

from __future__ import annotations

import psycopg2.errors

from projections.tail import MOVED, moved


def refusal(text: str) -> psycopg2.errors.InvalidTextRepresentation:
    return psycopg2.errors.InvalidTextRepresentation(text)


def test_the_servers_refusal_is_a_moved_position_in_any_language() -> None:
    assert moved(refusal(f'invalid input syntax for type integer: "{MOVED}1"'))
    assert moved(refusal(f"syntaxe en entrée invalide pour le type integer : « {MOVED}2 »"))


def test_a_failed_cast_of_text_a_user_wrote_is_not_one_whatever_it_says() -> None:
    guessed = MOVED.split(":", 1)[0].rsplit(" ", 1)[0] + " 0123456789abcdef:" + MOVED.split(":", 1)[1]
    assert guessed != MOVED  # the token is this process's own, not a constant anyone could copy
    assert not moved(refusal(f'invalid input syntax for type integer: "{guessed}1"'))
    assert not moved(refusal('invalid input syntax for type integer: "a view position moved on, rows moved 1"'))
    assert not moved(ValueError(f'"{MOVED}1"'))
    assert not moved(None)
