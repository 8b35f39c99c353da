"""Exactly once across a crash: with mail pending (some sent, the rest refused by a busy server), the `corral
projector` process is killed with SIGKILL and started again, and every Message-ID arrives once, on both databases."""

from __future__ import annotations

import time
from datetime import date
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.servers import Setting, corral, corral_env, services
from domain.actors import Role
from domain.milestones import Quarter
from domain.reminder import Reminder
from projections.notifications import NotificationsView
from projections.notifications.outbox import OutboxStatus, outbox_status
from projections.registry import view_of
from tests.builders import ACUTE, ACUTE_ID, COMMUNITY_ID, OPERATOR, narrative_milestone
from tests.integration.given import agreed_scheme, all_events
from tests.mail_server import MailServer, smtp_server

NUDGES, MEMBERS, SENT_BEFORE_THE_CRASH = 6, ("colin", "carl"), 4


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with smtp_server() as server:
        yield server


def nudged_twice_over(settings: Settings) -> None:
    """Two members of the community trust with addresses, nudged six times: twelve messages to send."""
    app = build_application(settings)
    agreed = agreed_scheme(app)
    for username in MEMBERS:
        address = f"{username}@community.example.nhs.uk"
        app.register_user(OPERATOR, username, COMMUNITY_ID, Role.PROVIDER, "hash", username.title(), address)
    for number in range(NUDGES):
        app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, f"Reminder {number}")
    app.close()


def eventually(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout}s: {what}"
        time.sleep(0.05)


def killed_and_restarted(settings: Settings, mail: MailServer, log: Path, expected: int, **values: Setting) -> int:
    """`corral projector` sends until the busy server refuses, is killed with SIGKILL, and starts again; every
    message is then sent. How many were pending when it was killed."""
    database, projections = build_views(settings)
    view = view_of(projections, NotificationsView)
    env = corral_env(
        settings,
        smtp_host=mail.host,
        smtp_port=mail.port,
        mail_poll_seconds=0.05,
        mail_retry_seconds=0.1,
        mail_retry_max_seconds=0.2,
        **values,
    )
    mail.inbox.at_most = SENT_BEFORE_THE_CRASH

    def status() -> OutboxStatus:
        return outbox_status(view)

    try:
        first = corral(env, "projector", log=log)
        with services(first.start()):
            eventually(lambda: status().sent == SENT_BEFORE_THE_CRASH and bool(status().failing), "mail part sent")
            first.kill()
        pending = status().pending
        mail.inbox.at_most = None
        again = corral(env, "projector", log=log)
        with services(again.start()):
            eventually(lambda: status().sent == expected, "every message sent")
            time.sleep(0.5)  # a message sent twice would have arrived by now
        assert status().pending == 0
    finally:
        database.close()
    return pending


def test_a_projector_killed_with_mail_pending_sends_each_message_exactly_once_after_restarting(
    settings: Settings, mail: MailServer, tmp_path: Path
) -> None:
    nudged_twice_over(settings)

    pending = killed_and_restarted(settings, mail, tmp_path / "projector.log", NUDGES * len(MEMBERS))

    assert pending == NUDGES * len(MEMBERS) - SENT_BEFORE_THE_CRASH and mail.inbox.refused > 0
    arrived = Counter(mail.inbox.message_ids())
    assert len(arrived) == NUDGES * len(MEMBERS) and set(arrived.values()) == {1}


def test_each_reminder_is_recorded_and_mailed_exactly_once_across_a_projector_killed_and_restarted(
    settings: Settings, mail: MailServer, tmp_path: Path
) -> None:
    """As at 27 July 2014 the projector's sweep reminds both providers of three milestones due on 31 July."""
    app = build_application(settings)
    milestones = [narrative_milestone(code) for code in ("M1", "M2", "M3")]
    agreed_scheme(app, *milestones)
    for username, provider_id in (("alice", ACUTE_ID), ("colin", COMMUNITY_ID)):
        address = f"{username}@example.nhs.uk"
        app.register_user(OPERATOR, username, provider_id, Role.PROVIDER, "hash", username.title(), address)
    reminders = len(milestones) * 2

    killed_and_restarted(
        settings, mail, tmp_path / "projector.log", reminders, today=date(2014, 7, 27), reminder_seconds=0.1
    )

    arrived = Counter(mail.inbox.message_ids())
    assert len(arrived) == reminders and set(arrived.values()) == {1}
    assert sum(1 for e in all_events(app) if isinstance(e, Reminder.Sent)) == reminders
    app.close()
