"""Forms as the NHS pattern has them: checked in the browser first, errors in a summary, nothing chosen for you."""

from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import expect

from tests.browser.conftest import OpenContext, Server, SignIn, check
from tests.browser.demo import NUTRITION, SOUTH_DEVON
from web.pages.formats import UK

NUMERATOR_MESSAGE = "The numerator must be a number, like 92"
REVIEW = f"/schemes/{NUTRITION}/quarters/Q2/review"


def test_an_empty_sign_in_is_stopped_in_the_browser_with_an_error_summary_and_no_script_error(
    open_context: OpenContext, server: Server
) -> None:
    page = open_context(base_url=server.url).new_page()
    page.goto("/sign-in")

    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Enter your username", "Enter your password"])
    expect(summary).to_be_focused()
    expect(page.locator("#sign-in-username").locator("xpath=..")).to_have_class(re.compile("form-group--error"))
    assert "/sign-in" in page.url and page.title().startswith("Error: ")
    check(page, "sign-in-empty")


def test_the_evidence_form_asks_for_decimal_figures_and_names_a_figure_that_is_not_a_number(sign_in: SignIn) -> None:
    page = sign_in("dpt.quality")
    page.goto(f"/schemes/{NUTRITION}/milestones/Q3/evidence")
    numerator = page.locator("#evidence-numerator")

    expect(numerator).to_have_attribute("inputmode", "decimal")
    expect(numerator).to_have_attribute("data-number", NUMERATOR_MESSAGE)
    expect(page.locator("#evidence-denominator")).to_have_attribute("inputmode", "decimal")
    numerator.fill("ninety")
    page.get_by_role("button", name="Submit evidence").click()

    expect(page.locator(".error-summary li")).to_have_text([NUMERATOR_MESSAGE])
    expect(page.locator("#evidence-numerator-client-error")).to_have_text(f"Error: {NUMERATOR_MESSAGE}")
    check(page, "evidence-figure-not-a-number")


def test_the_review_chooses_no_decision_for_the_commissioner_but_keeps_their_own_after_a_refusal(
    open_context: OpenContext, server: Server, sign_in: SignIn
) -> None:
    page = sign_in("sdt-ccg.quality")
    page.goto(REVIEW)
    expect(page.locator("input[type=radio]").first).to_be_attached()
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    page.locator("summary", has_text="Revise on appeal").first.click()
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)

    # Without the browser's own checks, the server refuses a decision with no rationale and shows the form again.
    plain = open_context(base_url=server.url, java_script_enabled=False).new_page()
    plain.context.add_cookies(page.context.cookies())
    plain.goto(REVIEW)
    row = plain.locator("section.review-row:has(form.decision)").first
    row.get_by_label("Not Met", exact=True).check()
    row.get_by_role("button", name=re.compile("Record the assessment")).click()

    expect(plain.locator(".error-summary")).to_be_visible()
    expect(plain.locator("input[type=radio]:checked")).to_have_count(1)
    expect(plain.locator("input[type=radio]:checked + label")).to_have_text("Not Met")


def test_the_auditor_filters_the_trail_by_days_typed_in_nhs_date_inputs_and_a_wrong_date_is_named(
    sign_in: SignIn,
) -> None:
    page = sign_in("sdt-ccg.auditor")
    page.goto(f"/programmes/{SOUTH_DEVON}/audit")
    since = page.get_by_role("group", name="From")
    until = page.get_by_role("group", name="To")

    since.get_by_label("Day").fill("14")
    since.get_by_label("Month").fill("July")
    since.get_by_label("Year").fill("2014")
    page.get_by_role("button", name="Apply filters").click()

    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link")).to_have_text(["The from date must be a real date, in numbers"])
    expect(summary.get_by_role("link")).to_have_attribute("href", "#filter-since-month")
    expect(since).to_contain_text("Error: The from date must be a real date, in numbers")
    expect(since.get_by_label("Month")).to_have_value("July")
    assert page.title().startswith("Error: ")
    check(page, "audit-trail-wrong-date")

    since.get_by_label("Month").fill("7")
    until.get_by_label("Day").fill("13")
    until.get_by_label("Month").fill("7")
    until.get_by_label("Year").fill("2014")
    page.get_by_role("button", name="Apply filters").click()
    expect(summary).to_contain_text("The to date must be the same as or after the from date")

    today = datetime.now(UK).date()  # the demo's events were recorded as it ran
    for group, day in ((since, today), (until, today)):
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("#audit-entries tbody tr").first).to_contain_text(f"{today.day} {today:%b %Y}, ")
    assert f"since-day={today.day}" in page.url and f"until-year={today.year}" in page.url

    since.get_by_label("Year").fill(str(today.year + 1))
    until.get_by_label("Year").fill(str(today.year + 1))
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#audit-entries")).to_contain_text("No entries match these filters.")
