"""Set-password links: made, mailed and checked. The link's token is 256 random bits, sent only in the email and
never kept; the account records its SHA-256 (domain/set_password_links.py). Pages use this module, like `session`.

The mail goes at once, not through the outbox, because the outbox keeps every body it sends.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from urllib.parse import urlencode, urlsplit

from fastapi import Response

from api.http.passwords import WeakPasswordError, chosen_password_hash
from api.http.security import Verified
from api.http.session import open_session
from api.storage.mail import SEND_ERRORS, deliver
from api.storage.settings import Settings
from domain.account_rules import named
from domain.application import Corral
from domain.user_account import UserAccount

PATH = "/set-password"


@dataclass(frozen=True)
class NewLink:
    """A link just made: its token (for the email only), the token's hash and expiry (for the account)."""

    token: str
    token_hash: str
    expires_at: datetime

    @property
    def recorded(self) -> tuple[str, datetime]:
        """What the account records of it."""
        return self.token_hash, self.expires_at


def new_link(settings: Settings, now: datetime | None = None) -> NewLink:
    """A fresh single-use token and when it stops working."""
    token = secrets.token_urlsafe(32)
    expires_at = (now or datetime.now(UTC)) + timedelta(hours=settings.set_password_link_hours)
    return NewLink(token, token_hash(token), expires_at)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as the account records it."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_address(settings: Settings, username: str, token: str) -> str:
    """The address the email gives: the set-password page, naming the user and carrying the token."""
    return f"{settings.public_url.rstrip('/')}{PATH}?{urlencode({'username': username, 'token': token})}"


def mail_link(settings: Settings, account: UserAccount, organisation: str, link: NewLink, invited: bool) -> str | None:
    """Email the link to the account's address; None once sent, else why it could not be (no address, or the mail
    server refused), for the administrator to read."""
    if not account.email:
        return f"{account.username} has no email address: give them one, then send a new link"
    address = link_address(settings, account.username, link.token)
    hours = settings.set_password_link_hours
    opening = f"You have been invited to Corral for {organisation}." if invited else "Your Corral password was reset."
    text = (
        f"Dear {named(account.display_name, account.username)},\n\n{opening}\n\n"
        f"Your username is {account.username}. Choose a password here (the link works once, for {hours} hours):\n\n"
        f"{address}\n\nIf you did not expect this email, tell your organisation's administrator.\n"
    )
    html = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n") if part.strip() and part.strip() != address)
    html += f'<p><a href="{escape(address)}">Choose your password</a></p>'
    message = EmailMessage()
    message["Message-ID"] = make_msgid("corral.link", urlsplit(settings.public_url).hostname or "localhost")
    message["From"] = settings.mail_from
    message["To"] = account.email
    message["Subject"] = "Choose your Corral password" if invited else "Your Corral password was reset"
    message["Date"] = format_datetime(datetime.now(UTC))
    message.set_content(text)
    message.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
    try:
        deliver(settings, message)
    except SEND_ERRORS as error:
        return f"the email to {account.email} could not be sent ({type(error).__name__}): send a new link later"
    return None


def link_mailed(corral: Corral, settings: Settings, username: str, link: NewLink, invited: bool) -> str | None:
    """Email a link just recorded for the account to its address: None once sent, else why it could not be."""
    account = corral.user_account(username)
    return mail_link(settings, account, corral.organisation(account.organisation_id).name, link, invited)


def password_chosen(password: str, username: str, organisation: str, settings: Settings) -> str:
    """The argon2 hash of a password a user chose, by the same rules as everywhere; WeakPasswordError if too easy."""
    return chosen_password_hash(password, username, organisation, settings.password_min_score)


def open_session_after_link(response: Response, corral: Corral, username: str, settings: Settings) -> None:
    """Sign in the user who just chose a password by a link: the link proved who they are."""
    account = corral.user_account(username)
    open_session(response, Verified(account.as_actor(), account.password_generation), settings)


__all__ = [
    "NewLink",
    "WeakPasswordError",
    "link_address",
    "link_mailed",
    "mail_link",
    "new_link",
    "open_session_after_link",
    "password_chosen",
    "token_hash",
]
