"""Send the outbox: the mailer runs beside the projector, in the one process that holds the projector's lock, and
sends each due message through SMTP, or with no CORRAL_SMTP_HOST writes it as `<Message-ID>.eml` into
CORRAL_MAIL_DIR. Each message is marked sent in a transaction of its own; a failure is kept on its row (attempts,
the error, the next try) and tried again after a wait that doubles each time. Once a day it makes the digests.

A message is marked sent just after the server accepts it: a crash between the two sends it again, with the same
Message-ID, so it arrives at least once and can be known as the same; one marked sent is never sent again.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from pathlib import Path
from tempfile import NamedTemporaryFile

from api.storage.beside import Beside
from api.storage.settings import Settings
from projections.notifications.outbox import Outgoing, compose_digests, digest_slot, due, mark_failed, mark_sent
from projections.notifications.view import NotificationsView
from projections.registry import view_of
from projections.runner import Backoff, Projector

log = logging.getLogger("corral.mail")
Send = Callable[[EmailMessage], None]
SEND_ERRORS = (smtplib.SMTPException, OSError)


def email_message(row: Outgoing, sender: str, now: datetime) -> EmailMessage:
    """The message as it goes out: its Message-ID kept from the outbox, plain text with an HTML alternative."""
    message = EmailMessage()
    message["Message-ID"] = row.message_id
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now)
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


@contextmanager
def smtp_session(settings: Settings) -> Iterator[Send]:
    """One connection to the SMTP server, for every message of a round."""
    assert settings.smtp_host is not None
    kind = smtplib.SMTP_SSL if settings.smtp_security == "tls" else smtplib.SMTP
    with kind(settings.smtp_host, settings.smtp_port, timeout=30) as server:
        if settings.smtp_security == "starttls":
            server.starttls()
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            server.login(settings.smtp_username, password)
        yield lambda message: _refused_none(server.send_message(message))


def _refused_none(refused: dict[str, tuple[int, bytes]]) -> None:
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


@contextmanager
def folder_session(folder: Path) -> Iterator[Send]:
    """Messages written whole as `<Message-ID>.eml` files (the same name again for the same message)."""
    folder.mkdir(parents=True, exist_ok=True)

    def write(message: EmailMessage) -> None:
        name = str(message["Message-ID"]).strip("<>").replace("/", "_")
        with NamedTemporaryFile("wb", dir=folder, delete=False, suffix=".part") as draft:
            draft.write(message.as_bytes())
        Path(draft.name).replace(folder / f"{name}.eml")

    yield write


def session_for(settings: Settings) -> AbstractContextManager[Send]:
    """Where messages go: the SMTP server, or with no CORRAL_SMTP_HOST the mail folder."""
    if settings.smtp_host:
        return smtp_session(settings)
    return folder_session(settings.mail_dir)


def mail_fields(message: EmailMessage, **more: object) -> dict[str, object]:
    """What a log line says of a message: its id and how many it is addressed to, never whom or what it says."""
    recipients = len(getaddresses([str(to) for to in message.get_all("To", [])]))
    return {"message_id": str(message["Message-ID"]), "recipients": recipients, **more}


def deliver(settings: Settings, message: EmailMessage) -> None:
    """Send one message now, not through the outbox: for mail whose body must not be kept, like a set-password
    link (the outbox keeps every body it sends). Raises what the SMTP server or the folder raises."""
    try:
        with session_for(settings) as send:
            send(message)
    except SEND_ERRORS as error:
        log.warning("mail failed: %s", type(error).__name__, extra=mail_fields(message, outbox=False))
        raise
    log.info("mail sent", extra=mail_fields(message, outbox=False))


class Mailer(Beside):
    """Sends due mail while `active` is set (the projector holds its lock), every `mail_poll_seconds`."""

    what = "mailer"

    def __init__(
        self,
        view: NotificationsView,
        settings: Settings,
        active: threading.Event | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(active, settings.mail_poll_seconds, log)
        self.view, self.settings, self.clock = view, settings, clock
        self._digested: datetime | None = None  # the last digest slot made (once a slot, not every look)

    @classmethod
    def beside(cls, projector: Projector, settings: Settings) -> Mailer:
        """The mailer of a projector's process: it sends only while that projector holds its lock."""
        return cls(view_of(projector.projections, NotificationsView), settings, projector.active)

    def session(self) -> AbstractContextManager[Send]:
        """Where this round's messages go: the SMTP server, or the mail folder."""
        return session_for(self.settings)

    def run_once(self, now: datetime | None = None) -> int:
        """Make the digests due by `now` (default: the clock's now), then send what is due; the number sent."""
        now = now or self.clock()
        slot = digest_slot(now, self.settings.mail_digest_hour)
        if slot != self._digested:
            compose_digests(self.view, slot)
            self._digested = slot
        rows = due(self.view, now)
        if not rows:
            return 0
        done: set[str] = set()
        sent = 0
        try:
            with self.session() as send:
                for row in rows:
                    message = email_message(row, self.settings.mail_from, now)
                    try:
                        send(message)
                    except smtplib.SMTPServerDisconnected:
                        raise
                    except SEND_ERRORS as error:  # this message was refused: the others may still go
                        self._failed(row, now, error, message)
                    else:
                        sent += mark_sent(self.view, row.message_id, now)
                        log.info("mail sent", extra=mail_fields(message, outbox=True))
                    done.add(row.message_id)
        except SEND_ERRORS as error:  # the server could not be reached, or went away: the rest wait
            for row in rows:
                if row.message_id not in done:
                    self._failed(row, now, error, email_message(row, self.settings.mail_from, now))
        return sent

    def _failed(self, row: Outgoing, now: datetime, error: BaseException, message: EmailMessage) -> None:
        attempts = row.attempts + 1
        wait = Backoff(self.settings.mail_retry_seconds, self.settings.mail_retry_max_seconds).after_attempts(attempts)
        text = f"{type(error).__name__}: {error}"
        mark_failed(self.view, row.message_id, attempts, now + timedelta(seconds=wait), text)
        fields = mail_fields(message, outbox=True)
        log.warning(
            "mail failed (attempt %d, next in %.0f s): %s",
            *(attempts, wait, text),
            extra={**fields, "attempts": attempts, "retry_in": wait, "error": text},
        )
