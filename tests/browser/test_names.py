"""People are named as people: the header and the audit trail show the name a user goes by beside the username."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import SignIn, check
from tests.browser.demo import SOUTH_DEVON


def test_the_auditor_is_signed_in_by_name_and_reads_who_did_what_by_name_in_the_trail(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.auditor")
    page.goto(f"/programmes/{SOUTH_DEVON}/audit")

    page.get_by_label("User").fill("dpt.quality")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.locator(".header__user")).to_contain_text("Owen Price (sdt-ccg.auditor)")
    expect(page.locator("#audit-entries tbody tr").first).to_contain_text("Priya Shah (dpt.quality)")
    check(page, "audit-trail-by-name")
