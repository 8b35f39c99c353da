"""Email of notices through a real SMTP server, on both databases: at once, as a daily digest, or never; into the
mail folder without a server; and again after a server that refused at first, with the failure shown meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.cli import main as cli
from api.storage.mail import Mailer
from api.storage.settings import Settings
from domain.actors import Role
from domain.application import Corral
from domain.milestones import Quarter
from projections import maintenance
from projections.notifications import NotificationsView
from projections.notifications.outbox import outbox_status
from projections.registry import view_of
from tests.builders import ACUTE, COMMUNITY, COMMUNITY_ID, OPERATOR
from tests.integration.given import Agreed, agreed_scheme
from tests.integration.read_models import Views, views_of
from tests.mail_server import MailServer, body_text, smtp_server

PUBLIC = "https://corral.example.nhs.uk"
COLIN = "colin@community.example.nhs.uk"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def mailing(settings: Settings, mail: MailServer, tmp_path: Path) -> Settings:
    """The store's settings, with mail through the test's SMTP server and links to the public address."""
    update = {"smtp_host": mail.host, "smtp_port": mail.port, "public_url": PUBLIC, "mail_dir": tmp_path / "mail"}
    return settings.model_copy(update=update)


@pytest.fixture
def views(mailing: Settings) -> Iterator[Views]:
    with views_of(mailing) as views:
        yield views


def colin_and_alice(app: Corral) -> Agreed:
    """ACUTE leads a scheme COMMUNITY joins; colin of COMMUNITY has an address, alice of ACUTE too."""
    agreed = agreed_scheme(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash", "Colin Ward", COLIN)
    app.register_user(OPERATOR, "alice", ACUTE.organisation_id, Role.PROVIDER, "hash", "Alice Lee", "alice@x.nhs.uk")
    return agreed


def mailer(views: Views, settings: Settings) -> Mailer:
    return Mailer(view_of(views.projections, NotificationsView), settings)


def test_a_nudge_is_emailed_at_once_to_the_nudged_providers_member(
    app: Corral, views: Views, mailing: Settings, mail: MailServer
) -> None:
    agreed = colin_and_alice(app)
    nudged = app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1 is due on 31 July").position
    views.caught_up(app)

    assert mailer(views, mailing).run_once() == 1

    (message,) = mail.inbox.messages
    assert message["To"] == COLIN and message["From"] == mailing.mail_from
    assert message["Subject"] == "Torbay Acute Trust nudged you for your Q1 evidence: Reduce self-harm and suicide"
    assert message["Message-ID"] == f"<corral.{nudged}.0.colin@corral.example.nhs.uk>"
    assert f"Open it in Corral: {PUBLIC}/home" in body_text(message)
    assert "“M1 is due on 31 July”" in body_text(message)
    html = message.get_body(preferencelist=("html",))
    assert html is not None and f'href="{PUBLIC}/home"' in html.get_content()
    assert mailer(views, mailing).run_once() == 0  # marked sent: never sent again


def test_a_digest_user_gets_one_message_a_day_listing_every_notice(
    app: Corral, views: Views, mailing: Settings, mail: MailServer
) -> None:
    agreed = colin_and_alice(app)
    app.choose_email(COMMUNITY, "daily")
    for number in range(3):
        app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, f"Reminder {number}")
    views.caught_up(app)
    now = datetime.now(UTC)
    tomorrow_at_seven = (now + timedelta(days=1)).replace(hour=mailing.mail_digest_hour, minute=0, second=1)

    before = mailer(views, mailing).run_once(now)
    sent = mailer(views, mailing).run_once(tomorrow_at_seven)
    again = mailer(views, mailing).run_once(tomorrow_at_seven + timedelta(hours=1))

    assert (before, sent, again) == (0, 1, 0)
    (digest,) = mail.inbox.messages
    assert digest["Subject"] == f"Your Corral notices: 3 notices ({tomorrow_at_seven.date().isoformat()})"
    assert all(f"Reminder {number}" in body_text(digest) for number in range(3))


def test_a_user_who_chose_no_email_gets_none(app: Corral, views: Views, mailing: Settings, mail: MailServer) -> None:
    agreed = colin_and_alice(app)
    app.choose_email(COMMUNITY, "off")
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1 is due")
    views.caught_up(app)

    sent = mailer(views, mailing).run_once(datetime.now(UTC) + timedelta(days=2))

    assert sent == 0 and mail.inbox.messages == []
    assert outbox_status(view_of(views.projections, NotificationsView)).pending == 0


def test_without_an_smtp_server_each_message_is_written_to_the_mail_folder(
    app: Corral, views: Views, mailing: Settings, tmp_path: Path
) -> None:
    agreed = colin_and_alice(app)
    nudged = app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1 is due").position
    views.caught_up(app)
    folder = tmp_path / "mail"

    sent = mailer(views, mailing.model_copy(update={"smtp_host": None, "mail_dir": folder})).run_once()

    assert sent == 1
    (written,) = folder.iterdir()
    assert written.name == f"corral.{nudged}.0.colin@corral.example.nhs.uk.eml"
    assert f"To: {COLIN}" in written.read_text()


def test_a_server_that_refuses_at_first_gets_the_message_after_a_wait_and_the_failure_shows_meanwhile(
    app: Corral,
    views: Views,
    mailing: Settings,
    mail: MailServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    agreed = colin_and_alice(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1 is due")
    views.caught_up(app)
    now = datetime.now(UTC)
    mail.inbox.refusing.set()

    first = mailer(views, mailing).run_once(now)
    mail.inbox.refusing.clear()
    too_soon = mailer(views, mailing).run_once(now + timedelta(seconds=mailing.mail_retry_seconds / 2))
    for name, value in (
        ("CORRAL_DATABASE_URL", mailing.database_url),
        ("CORRAL_DATABASE_SCHEMA", mailing.database_schema),
    ):
        if value:
            monkeypatch.setenv(name, value)
    cli.main(["projections", "status"])
    shown = capsys.readouterr().out
    later = mailer(views, mailing).run_once(now + timedelta(seconds=mailing.mail_retry_seconds))

    assert (first, too_soon, later) == (0, 0, 1) and mail.inbox.refused == 1
    assert "Mail outbox: 1 pending, 0 sent, 1 failing" in shown and "451" in shown and "Mailbox busy" in shown
    assert len(mail.inbox.messages) == 1
    status = outbox_status(view_of(views.projections, NotificationsView))
    assert (status.pending, status.sent, status.failing) == (0, 1, [])


def test_a_rebuilt_view_sends_nothing_again(app: Corral, views: Views, mailing: Settings, mail: MailServer) -> None:
    agreed = colin_and_alice(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1 is due")
    views.caught_up(app)
    mailer(views, mailing).run_once()
    inbox = next(p for p in views.projections if isinstance(p.view, NotificationsView))

    maintenance.rebuild(app, inbox)

    assert mailer(views, mailing).run_once() == 0 and len(mail.inbox.messages) == 1
