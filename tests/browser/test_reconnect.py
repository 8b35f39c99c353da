"""A live page recovers by itself: the connection drops, a neighbour acts meanwhile, and the page catches up."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import SignIn, check
from tests.browser.demo import INCIDENTS

NEIGHBOUR_ROW = "#board-participants tr:has-text('Community Care Trust')"


def test_the_leads_board_goes_offline_and_back_and_shows_what_a_neighbour_sent_meanwhile_without_a_reload(
    sign_in: SignIn,
) -> None:
    lead = sign_in("swasft.quality")
    neighbour = sign_in("cct.quality")
    lead.goto(f"/schemes/{INCIDENTS}/quarters/Q2/board")
    status = lead.locator("#live-status")
    expect(status).to_have_text("Live")
    expect(lead.locator(NEIGHBOUR_ROW)).to_contain_text("overdue")  # Q2 2014 is long past due, as at today
    lead.evaluate("window.sameDocument = true")

    lead.context.set_offline(True)
    expect(status).to_have_text("Offline")
    neighbour.goto(f"/schemes/{INCIDENTS}/milestones/Q2/evidence")
    neighbour.get_by_label("Narrative").fill("Q2: every serious incident reviewed within 60 days.")
    neighbour.get_by_role("button", name="Submit evidence").click()
    expect(neighbour.locator("main")).to_contain_text("submitted")
    expect(lead.locator(NEIGHBOUR_ROW)).to_contain_text("overdue")  # Q2 2014 is long past due, as at today

    lead.context.set_offline(False)
    expect(status).to_have_text("Live", timeout=5000)
    expect(lead.locator(NEIGHBOUR_ROW)).to_contain_text("submitted", timeout=5000)
    assert lead.evaluate("window.sameDocument") is True, "the page was reloaded"
    check(lead, "collation-board-reconnected")
