"""The payment rules page in the browser: the commissioner follows the link from the payments page, compares another
version (the demo as shipped changes nothing under partial-60: its Partially Met milestones are closed or judged on
their figures), reads it whole at 320 px, and finds the form to adopt it; nothing is adopted here."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import SignIn, check, no_sideways_scrolling
from tests.browser.demo import SOUTH_DEVON


def test_the_commissioner_compares_partial_60_from_the_payments_page_and_reads_it_whole_at_320_px(
    sign_in: SignIn,
) -> None:
    page = sign_in("sdt-ccg.quality", width=320, height=640)
    page.goto(f"/programmes/{SOUTH_DEVON}/payments")

    page.get_by_role("link", name="Payment rules").click()
    page.locator("#compare-rules").select_option("partial-60")
    page.get_by_role("button", name="Compare").click()

    expect(page.get_by_role("heading", name="The rules in force: standard-1")).to_be_visible()
    expect(page.locator("#chosen-terms")).to_contain_text("Partially Met earns 60%")
    expect(page.locator("#replay-total")).to_contain_text("a difference of £0")
    expect(page.locator("#nothing-changes")).to_be_visible()
    expect(page.get_by_role("button", name="Adopt this version")).to_be_visible()
    no_sideways_scrolling(page, "**/payment-rules?rules=partial-60*")
    check(page, "320px-payment-rules")
