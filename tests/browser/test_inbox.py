"""The inbox across two browsers: the lead nudges a missing neighbour, and the neighbour's count rises live, the nudge
is on its home and in its inbox, where it is marked read."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, SignIn, check
from tests.browser.demo import SELF_HARM

NEIGHBOUR = "Community Care Trust"
MESSAGE = "Your Q2 safety-plan audit is the last one missing: please send it by Friday."


def unread(page: Page) -> int:
    """The unread count in the navigation (0 when none is shown)."""
    text = page.locator("#inbox-count").inner_text().strip()
    return int(text.split()[0]) if text else 0


def test_a_nudge_raises_the_neighbours_unread_count_live_and_waits_on_its_home_and_in_its_inbox(
    sign_in: SignIn, fresh_server: Server
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
    neighbour.goto("/home")
    expect(neighbour.locator("#home-nudges")).to_contain_text(MESSAGE)
    expect(neighbour.locator("#home-nudges")).to_contain_text("Devon Partnership NHS Trust (dpt.quality)")
    check(neighbour, "provider-home-nudged")

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
