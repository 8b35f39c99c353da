"""Choosing a password: zxcvbn estimates how guessable it is, knowing the user's own names and this service's words."""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

from api.http.security import hash_password
from domain.errors import DomainError

MIN_LENGTH = 12
# zxcvbn refuses longer input; a password is at least as hard to guess as its first 72 characters.
ESTIMATED_LENGTH = 72
SITE_WORDS = ("corral", "cquin", "nhs")
# The demo's one password is printed in the README: the demo loader sets it without asking zxcvbn (which scores it
# 4 of 4), and no one may choose it for an account, since everyone can read it.
DEMO_PASSWORD = "corral-demo-password"
PUBLISHED = (DEMO_PASSWORD,)
SCORES = 4


class WeakPasswordError(DomainError):
    """A password must have at least 12 characters and be hard to guess."""


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", text.lower()) if len(word) > 2]


def require_strong(password: str, username: str, organisation: str, min_score: int) -> None:
    """Raise unless zxcvbn scores the password at least `min_score` of 4, told the user's names and this service's."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"a password needs at least {MIN_LENGTH} characters")
    known = [username, organisation, *_words(username), *_words(organisation), *SITE_WORDS, *PUBLISHED]
    estimate = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=known)
    score = int(estimate["score"])
    if score < min_score:
        feedback = estimate["feedback"]
        advice = " ".join(part for part in (feedback["warning"], *feedback["suggestions"]) if part)
        needed = f"it scores {score} of {SCORES}; {min_score} is needed"
        raise WeakPasswordError(f"this password is too easy to guess ({needed}). {advice}".strip())


def chosen_password_hash(password: str, username: str, organisation: str, min_score: int) -> str:
    """The argon2id hash of a password a user chose, once it is known to be hard enough to guess."""
    require_strong(password, username, organisation, min_score)
    return hash_password(password)
