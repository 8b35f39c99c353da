"""Exactly once across a crash: with mail pending (some sent, the rest refused by a busy server), the `corral
projector` process is killed with SIGKILL and started again, and every Message-ID arrives once, on both databases."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.servers import corral, corral_env, services
from domain.actors import Role
from domain.milestones import Quarter
from projections.notifications import NotificationsView
from projections.notifications.outbox import OutboxStatus, outbox_status
from projections.registry import view_of
from tests.builders import ACUTE, COMMUNITY_ID, OPERATOR
from tests.integration.given import agreed_scheme
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


def test_a_projector_killed_with_mail_pending_sends_each_message_exactly_once_after_restarting(
    settings: Settings, mail: MailServer, tmp_path: Path
) -> None:
    nudged_twice_over(settings)
    database, projections = build_views(settings)
    view = view_of(projections, NotificationsView)
    env = corral_env(
        settings,
        smtp_host=mail.host,
        smtp_port=mail.port,
        mail_poll_seconds=0.05,
        mail_retry_seconds=0.1,
        mail_retry_max_seconds=0.2,
    )
    mail.inbox.at_most = SENT_BEFORE_THE_CRASH

    def status() -> OutboxStatus:
        return outbox_status(view)

    try:
        first = corral(env, "projector", log=tmp_path / "projector.log")
        with services(first.start()):
            eventually(lambda: status().sent == SENT_BEFORE_THE_CRASH and bool(status().failing), "mail part sent")
            first.kill()
        pending = status()
        mail.inbox.at_most = None
        again = corral(env, "projector", log=tmp_path / "projector.log")
        with services(again.start()):
            eventually(lambda: status().sent == NUDGES * len(MEMBERS), "every message sent")
            time.sleep(0.5)  # a message sent twice would have arrived by now
    finally:
        database.close()

    assert pending.pending == NUDGES * len(MEMBERS) - SENT_BEFORE_THE_CRASH and mail.inbox.refused > 0
    arrived = Counter(mail.inbox.message_ids())
    assert len(arrived) == NUDGES * len(MEMBERS) and set(arrived.values()) == {1}
    assert status().pending == 0
