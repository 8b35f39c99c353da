"""Set-password links: an invited user, or one whose password was reset, chooses a password by a link sent to them.

The link carries a single-use token. Only its SHA-256 is recorded (the token is 256 random bits, so a fast hash
is enough); the caller makes the token and its hash, and the domain compares hashes and the link's expiry.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError


class SetPasswordLinkError(DomainError):
    """A set-password link works once, until it expires, and only while it is the account's newest."""

    field = "token"


@dataclass(frozen=True)
class SetPasswordLink:
    """The newest link sent to an account: the SHA-256 of its token, and when it stops working."""

    token_hash: str
    expires_at: datetime


def require_usable(link: SetPasswordLink | None, token_hash: str, now: datetime) -> None:
    """Raise unless there is a link, `token_hash` is its token's and it has not expired."""
    if link is None or not hmac.compare_digest(link.token_hash, token_hash) or now >= link.expires_at:
        raise SetPasswordLinkError(LINK_REFUSED)


LINK_REFUSED = (
    "This link has been used, has expired or was replaced by a newer one: ask your organisation's administrator to"
    " send a new one"
)
