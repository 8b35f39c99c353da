"""The inbox across two browsers: the lead nudges a missing neighbour, and the neighbour's count rises live, the nudge
is on its home and in its inbox, where it is marked read, and it is emailed through a real SMTP server."""

from __future__ import annotations

import re

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, SignIn, _serving, check
from tests.browser.demo import SELF_HARM
from tests.mail_server import MailServer, body_text, smtp_server

NEIGHBOUR = "Community Care Trust"
MESSAGE = "Your Q2 safety-plan audit is the last one missing: please send it by Friday."


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory, demo_database: Path, mail: MailServer) -> Iterator[Server]:
    """The demo served for this test alone, mailing through the test's SMTP server."""
    folder = tmp_path_factory.mktemp("inbox-server")
    with _serving(demo_database, folder, smtp_host=mail.host, smtp_port=mail.port, mail_poll_seconds=0.1) as served:
        yield served


def unread(page: Page) -> int:
    """The unread count in the navigation (0 when none is shown)."""
    text = page.locator("#inbox-count").inner_text().strip()
    return int(text.split()[0]) if text else 0


def test_a_nudge_raises_the_neighbours_unread_count_live_waits_on_its_home_and_in_its_inbox_and_is_emailed(
    sign_in: SignIn, site: Server, mail: MailServer
) -> None:
    lead = sign_in("dpt.quality")
    neighbour = sign_in("cct.quality")
    neighbour.goto("/programmes")  # a page with no live topics of its own: only the inbox count is live
    before = unread(neighbour)

    lead.goto(f"/schemes/{SELF_HARM}/quarters/Q2/board")
    nudge = lead.locator("section.nudge", has_text=NEIGHBOUR)
    nudge.get_by_label(f"Reminder to {NEIGHBOUR}").fill(MESSAGE)
    nudge.get_by_role("button", name="Nudge").click()
    expect(lead.locator("section.nudge", has_text=NEIGHBOUR)).to_contain_text(MESSAGE)

    expect(neighbour.locator("#inbox-count")).to_contain_text(f"{before + 1} unread", timeout=10_000)
    (email,) = mail.inbox.wait_for(1)
    assert (
        email["Subject"] == "Devon Partnership NHS Trust nudged you for your Q2 evidence: Reduce self-harm and suicide"
    )
    assert MESSAGE in body_text(email) and f"{site.url}/home" in body_text(email)
    neighbour.goto("/home")
    expect(neighbour.locator("#home-nudges")).to_contain_text(MESSAGE)
    expect(neighbour.locator("#home-nudges")).to_contain_text("Devon Partnership NHS Trust (dpt.quality)")
    check(neighbour, "provider-home-nudged")
    neighbour.get_by_role("link", name=re.compile("Submit evidence for Reduce self-harm and suicide Q2")).click()
    expect(neighbour.locator("main")).to_contain_text(MESSAGE)  # the milestone's evidence page says who asked

    neighbour.get_by_role("link", name=re.compile(r"^Inbox")).click()
    newest = neighbour.locator("li.notice").first
    expect(newest).to_contain_text(MESSAGE)
    expect(newest).to_contain_text("New")
    check(neighbour, "inbox")
    newest.get_by_role("button", name=re.compile("Mark as read")).click()
    expect(neighbour.locator("li.notice").first).not_to_contain_text("New")

    assert unread(neighbour) == before
    neighbour.get_by_label("Once a day").check()
    neighbour.get_by_role("button", name="Save email choice").click()
    expect(neighbour.get_by_label("Once a day")).to_be_checked()
    check(neighbour, "inbox-read")
