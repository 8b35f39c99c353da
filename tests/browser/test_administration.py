"""The demo CCG's administrator invites a colleague on the users page; the invitation comes by email to a real SMTP
server; the colleague follows its link at 320 px, chooses a password and lands signed in; each page passes axe (the
users and organisation pages are toured at both widths in test_pages). One server, its mail going to the test's SMTP
server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenContext, Server, SignIn, _serving, check
from tests.browser.test_pages import _visit
from tests.mail_server import MailServer, body_text, smtp_server

ADDRESS = "nina.shah@example.nhs.uk"
CHOSEN = "heron quietly mapped seven lanterns"


@pytest.fixture(scope="module")
def mail() -> Iterator[MailServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, demo_database: Path, mail: MailServer) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("administration-server")
    with _serving(demo_database, folder, smtp_host=mail.host, smtp_port=mail.port) as served:
        yield served


def test_an_invited_colleague_follows_the_emailed_link_chooses_a_password_and_lands_signed_in(
    sign_in: SignIn, open_context: OpenContext, site: Server, mail: MailServer
) -> None:
    admin = sign_in("sdt-ccg.admin")
    expect(admin.get_by_role("heading", name="Users of South Devon and Torbay CCG")).to_be_visible()
    check(admin, "users")
    admin.get_by_label("Name", exact=True).fill("Nina Shah")
    admin.get_by_label("Username").fill("nina.shah")
    admin.get_by_label("Email address").fill(ADDRESS)
    admin.get_by_label("Commissioner").check()
    admin.get_by_role("button", name="Invite").click()

    expect(admin.locator(".notification-banner, [role=status], [role=alert]").first).to_contain_text(
        "Nina Shah (nina.shah) is invited"
    )
    check(admin, "users-after-invite")
    (invitation,) = [m for m in mail.inbox.wait_for(1) if str(m["To"]) == ADDRESS]
    link = next(line for line in body_text(invitation).splitlines() if "/set-password?" in line).strip()

    colleague = open_context(base_url=site.url, viewport={"width": 320, "height": 640}).new_page()
    colleague.goto(link)
    _visit(colleague, "320px-set-password")
    colleague.get_by_label("New password").fill(CHOSEN)
    colleague.get_by_label("The same password again").fill(CHOSEN)
    colleague.get_by_role("button", name="Set password and sign in").click()

    colleague.wait_for_url(lambda url: "/set-password" not in url and "/sign-in" not in url)
    expect(colleague.locator(".header__user")).to_contain_text("Nina Shah (nina.shah)")
    colleague.goto(link)
    expect(colleague.get_by_role("heading", name="That link no longer works")).to_be_visible()
