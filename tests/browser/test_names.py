"""People are named as people: the header and the audit trail show the name a user goes by beside the username."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import SignIn, check
from tests.browser.demo import NUTRITION, SELF_HARM, SOUTH_DEVON, WELLBEING_2019, local_2019_drafted


def test_the_auditor_is_signed_in_by_name_and_reads_who_did_what_by_name_in_the_trail(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.auditor")
    page.goto(f"/programmes/{SOUTH_DEVON}/audit")

    page.get_by_label("User").fill("dpt.quality")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.locator(".header__user")).to_contain_text("Owen Price (sdt-ccg.auditor)")
    expect(page.locator("#audit-entries tbody tr").first).to_contain_text("Priya Shah (dpt.quality)")
    check(page, "audit-trail-by-name")
    href = page.get_by_role("link", name="Download these entries (CSV)").get_attribute("href")
    assert href is not None and "user=dpt.quality" in href
    rows = list(csv.DictReader(io.StringIO(page.request.get(href).body().decode("utf-8-sig"))))
    assert rows and {r["actor_name"] for r in rows} == {"Priya Shah (dpt.quality)"}


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def _refusals_read_plainly(page: Page) -> list[str]:
    """The error summary's messages, each checked to be a sentence naming no id."""
    expect(page.locator(".error-summary")).to_be_visible()
    messages = page.locator(".error-summary__list li").all_inner_texts()
    assert messages
    for message in messages:
        assert message[:1].isupper() and not UUID_TEXT.search(message), message
    return messages


def test_refused_forms_say_what_is_wrong_in_sentences_that_name_organisations_and_quarters_not_ids(
    sign_in: SignIn,
) -> None:
    commissioner = sign_in("sdt-ccg.quality")
    review = f"/schemes/{NUTRITION}/quarters/Q2/review"
    commissioner.goto(review)

    commissioner.get_by_role("button", name="Close Q2").click()
    [closing] = _refusals_read_plainly(commissioner)
    commissioner.goto(review)
    row = commissioner.locator("section.review-row", has_text="Community Care Trust: Q2")
    row.get_by_label("Met", exact=True).check()
    row.get_by_role("button", name=re.compile("Record the assessment")).click()
    _refusals_read_plainly(commissioner)

    assert re.match(r"Q2: .*Community Care Trust has no assessment for milestone", closing), closing
    check(commissioner, "review-refusals-in-plain-words")

    provider = sign_in("cct.quality")
    provider.goto(f"/schemes/{SELF_HARM}/milestones/Q4/evidence")  # a milestone no other test sends
    provider.get_by_role("button", name="Submit evidence").click()
    _refusals_read_plainly(provider)
    local_2019_drafted(sign_in("local-ccg.quality"))
    trust = sign_in("mht.quality")
    trust.goto(f"/schemes/{WELLBEING_2019}/agreement")
    trust.get_by_role("button", name="Sign version 1").click()
    [baseline] = _refusals_read_plainly(trust)
    assert "baseline" in baseline
