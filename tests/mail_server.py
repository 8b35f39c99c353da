"""A real SMTP server for tests: aiosmtpd's Controller on a free port, keeping every message it accepts, and able to
refuse for a while (451, try again later) as a busy server does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from bench.servers import free_port


@dataclass
class Inbox:
    """What the server has accepted, and whether it refuses now."""

    messages: list[EmailMessage] = field(default_factory=list)
    refusing: threading.Event = field(default_factory=threading.Event)
    refused: int = 0
    at_most: int | None = None  # beyond this many messages, refuse as if busy

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing.is_set() or (self.at_most is not None and len(self.messages) >= self.at_most):
            self.refused += 1
            return "451 4.3.0 Mailbox busy: try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 2.0.0 Accepted"

    def message_ids(self) -> list[str]:
        """The Message-ID of every message accepted, in the order they came."""
        return [str(m["Message-ID"]) for m in self.messages]

    def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """Every message, once at least `count` have come; AssertionError if they do not in time."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages came in {timeout}s"
            time.sleep(0.05)
        return list(self.messages)


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    inbox: Inbox


@contextmanager
def smtp_server() -> Iterator[MailServer]:
    """An SMTP server on 127.0.0.1 and a free port, stopped on leaving."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield MailServer("127.0.0.1", port, inbox)
    finally:
        controller.stop()


def body_text(message: EmailMessage) -> str:
    """The plain-text part of a message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())
