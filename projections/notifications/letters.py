"""Notices as email: a stable Message-ID, a subject, and plain-text and HTML bodies (NHS.UK colours, inline CSS,
nothing remote) with a link into Corral. Pure functions: the projection writes what they give into the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import urlsplit

BLUE, TEXT, GREY, PALE = "#005eb8", "#212b32", "#4c6272", "#f0f4f5"
FONT = "font-family: Arial, sans-serif; color: #212b32; line-height: 1.5;"


@dataclass(frozen=True)
class Letter:
    """One email, ready to send."""

    message_id: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Item:
    """A notice as a letter tells of it."""

    subject: str
    text: str
    link: str
    occurred_at: datetime


def message_id(public_url: str, *parts: object) -> str:
    """`<corral.{part}.{part}…@{host}>`: the same for the same parts, so a message sent again is known as the same."""
    host = urlsplit(public_url).hostname or "localhost"
    return f"<corral.{'.'.join(str(p) for p in parts)}@{host}>"


def notice_letter(public_url: str, position: int, n: int, username: str, item: Item) -> Letter:
    """The email telling one user of one notice, as it happens."""
    url = _absolute(public_url, item.link)
    why = "You get an email for each notice because you chose to hear of them at once."
    settings = _absolute(public_url, "/inbox")
    text = f"{item.text}\n\nOpen it in Corral: {url}\n\n{why}\nChange this in your inbox: {settings}\n"
    body = f'<p style="margin: 0 0 16px;">{_paragraphs(item.text)}</p>{_button(url, "Open it in Corral")}'
    html = _page(item.subject, body, why, settings)
    return Letter(message_id(public_url, position, n, username), item.subject, text, html)


def digest_letter(public_url: str, day: str, username: str, items: Sequence[Item]) -> Letter:
    """One email a day listing every notice the user has not yet been sent, oldest first."""
    count = f"{len(items)} notice{'' if len(items) == 1 else 's'}"
    subject = f"Your Corral notices: {count} ({day})"
    lines = [f"{count} for your organisation since your last digest:\n"]
    blocks = []
    for item in items:
        url, when = _absolute(public_url, item.link), item.occurred_at.strftime("%-d %b %Y, %H:%M UTC")
        lines.append(f"* {item.subject}\n  {when}\n  {item.text}\n  {url}\n")
        blocks.append(
            f'<li style="margin: 0 0 16px;"><a href="{escape(url)}" style="color: {BLUE}; font-weight: bold;">'
            f'{escape(item.subject)}</a><br><span style="color: {GREY}; font-size: 14px;">{escape(when)}</span>'
            f"<br>{_paragraphs(item.text)}</li>"
        )
    why = "You get one email a day because you chose a daily digest."
    settings = _absolute(public_url, "/inbox")
    text = "\n".join(lines) + f"\n{why}\nChange this in your inbox: {settings}\n"
    body = f'<p>{escape(lines[0].strip())}</p><ul style="padding-left: 20px;">{"".join(blocks)}</ul>'
    return Letter(message_id(public_url, "digest", day, username), subject, text, _page(subject, body, why, settings))


def _absolute(public_url: str, link: str) -> str:
    return f"{public_url.rstrip('/')}{link}"


def _paragraphs(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _button(url: str, label: str) -> str:
    return (
        f'<p style="margin: 0 0 24px;"><a href="{escape(url)}" style="display: inline-block; background: #007f3b;'
        f' color: #fff; padding: 12px 16px; font-weight: bold; text-decoration: none;">{escape(label)}</a></p>'
    )


def _page(subject: str, body: str, why: str, settings: str) -> str:
    """An NHS-style page: a blue band with the service's name, the subject as a heading, the body, why it came."""
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(subject)}</title></head>'
        f'<body style="margin: 0; background: {PALE}; {FONT}">'
        f'<div style="background: {BLUE}; color: #fff; padding: 16px 24px;">'
        f'<span style="background: #fff; color: {BLUE}; font-weight: bold; font-style: italic; padding: 2px 8px;">'
        f'NHS</span> <strong style="font-size: 20px;">Corral</strong></div>'
        f'<div style="background: #fff; margin: 16px; padding: 24px; max-width: 640px;">'
        f'<h1 style="font-size: 24px; margin: 0 0 16px; color: {TEXT};">{escape(subject)}</h1>{body}'
        f'<p style="color: {GREY}; font-size: 14px; border-top: 1px solid #d8dde0; padding-top: 16px; margin: 0;">'
        f'{escape(why)} <a href="{escape(settings)}" style="color: {BLUE};">Change this in your inbox</a>.</p>'
        f"</div></body></html>"
    )
