"""The commissioner's review of the Nutrition Q2 pack, which the demo leaves presented and part assessed.

Each scenario moves that quarter on, so each runs on a server of its own, as the demo left it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Server, SignIn, check
from tests.browser.demo import CCT, INCIDENTS, NUTRITION, SDHFT, SOUTH_DEVON, MSH

REVIEW = f"/schemes/{NUTRITION}/quarters/Q2/review"


@pytest.fixture
def site(fresh_server: Server) -> Server:
    """Every test here signs in to a server of its own."""
    return fresh_server


def _row(page: Page, provider: str) -> Locator:
    return page.locator("section.review-row", has_text=f"{provider}: Q2")


def _assess(row: Locator, status: str, rationale: str) -> None:
    row.get_by_label(status, exact=True).check()
    row.get_by_label("Rationale").fill(rationale)
    row.get_by_role("button", name=re.compile("Record the assessment")).click()


def test_an_assessment_from_a_page_another_commissioner_changed_since_is_refused_and_changes_nothing(
    sign_in: SignIn,
) -> None:
    first = sign_in("sdt-ccg.quality")
    second = sign_in("sdt-ccg.quality")
    first.goto(REVIEW)
    second.goto(REVIEW)
    _row(second, "Community Care Trust").get_by_label("Partially Met", exact=True).check()
    _row(second, "Community Care Trust").get_by_label("Rationale").fill("85% screened: a third of the way to 95%.")

    _assess(_row(first, "Community Care Trust"), "Partially Met", "85% screened within 24 hours.")
    expect(_row(first, "Community Care Trust").locator(".tag", has_text="Partially Met").last).to_be_visible()
    _row(second, "Community Care Trust").get_by_role("button", name=re.compile("Record the assessment")).click()

    summary = second.locator(".error-summary")
    expect(summary).to_contain_text("Someone else changed this first")
    expect(summary).to_contain_text("reload the page")
    check(second, "review-stale-form")
    second.goto(f"/schemes/{NUTRITION}/quarters/Q2/assessments/{CCT}")
    expect(second.locator(".decision-record")).to_have_count(1)
    expect(second.locator(".decision-record")).to_contain_text("85% screened within 24 hours.")


def test_the_commissioner_queries_the_presented_pack_and_the_lead_reads_the_question(sign_in: SignIn) -> None:
    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto(REVIEW)

    commissioner.get_by_text("Query the pack back to the lead").click()
    commissioner.get_by_role("button", name="Send the query").click()
    expect(commissioner.locator(".error-summary")).to_contain_text("Enter your questions for the lead")
    commissioner.get_by_label("Your questions for the lead").fill("Do the screening figures include day cases?")
    commissioner.get_by_role("button", name="Send the query").click()

    expect(commissioner.locator("#review-state")).to_contain_text("queried")
    expect(commissioner.get_by_role("button", name="Send the query")).to_have_count(0)
    lead = sign_in("sdhft.quality")
    lead.goto(f"/schemes/{NUTRITION}/quarters/Q2/board")
    expect(lead.locator("#board-questions")).to_contain_text("Do the screening figures include day cases?")
    expect(lead.get_by_role("button", name="Present the Q2 pack")).to_be_visible()
    check(lead, "collation-board-queried")


def test_the_commissioner_revises_an_assessment_on_appeal_and_both_decisions_stay_on_record(sign_in: SignIn) -> None:
    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto(REVIEW)
    acute = _row(commissioner, "South Devon Healthcare NHS Foundation Trust")

    acute.get_by_text("Revise on appeal").click()
    acute.get_by_label("N/A", exact=True).check()
    acute.get_by_label("Rationale").fill("Screening paused for six weeks while the patient record system moved.")
    acute.get_by_role("button", name="Revise the assessment").click()
    acute = _row(commissioner, "South Devon Healthcare NHS Foundation Trust")
    expect(acute.locator(".error-message")).to_contain_text("Enter why you are revising the assessment")
    acute.get_by_label("Why are you revising it?").fill("The trust appealed: the record move was agreed in June.")
    acute.get_by_role("button", name="Revise the assessment").click()

    acute = _row(commissioner, "South Devon Healthcare NHS Foundation Trust")
    expect(acute).to_contain_text("(revised on appeal)")
    commissioner.goto(f"/schemes/{NUTRITION}/quarters/Q2/assessments/{SDHFT}")
    decisions = commissioner.locator(".decision-record")
    expect(decisions).to_have_count(2)
    expect(decisions.nth(0)).to_contain_text("Assessed: Partially Met")
    expect(decisions.nth(1)).to_contain_text("Revised on appeal: N/A")
    expect(decisions.nth(1)).to_contain_text("The trust appealed: the record move was agreed in June.")
    check(commissioner, "decisions-revised-on-appeal")


def test_the_commissioner_closes_the_quarter_once_every_provider_milestone_is_assessed(sign_in: SignIn) -> None:
    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto(REVIEW)

    commissioner.get_by_role("button", name="Close Q2").click()
    expect(commissioner.locator(".error-summary")).to_contain_text(
        re.compile(r"Q2: .+ has no assessment for milestone")
    )
    commissioner.goto(REVIEW)
    unassessed = commissioner.locator("section.review-row:has(form.decision)")
    while left := unassessed.count():
        row = unassessed.first
        suggested = row.locator(".maths .tag").last.inner_text()
        _assess(row, suggested, f"{row.locator('.maths p').first.inner_text()}: on the sliding scale.")
        expect(unassessed).to_have_count(left - 1)  # the page after the assessment, not the one it was sent from
        expect(commissioner.locator(".error-summary")).to_have_count(0)
    commissioner.get_by_role("button", name="Close Q2").click()

    expect(commissioner.locator("#review-state")).to_contain_text("closed")
    expect(commissioner.get_by_role("button", name="Close Q2")).to_have_count(0)
    expect(commissioner.locator("form.decision")).to_have_count(0)
    check(commissioner, "review-closed")


def test_the_commissioner_departs_from_the_figures_only_with_a_reason_and_the_payments_mark_it(sign_in: SignIn) -> None:
    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto(REVIEW)
    row = _row(commissioner, "Community Care Trust")
    expect(row.locator(".maths")).to_contain_text("nothing at 80%, everything at 95%")

    _assess(row, "Met", "Screening audited on the wards.")
    row = _row(commissioner, "Community Care Trust")
    expect(row.locator(".error-message")).to_contain_text("record your reason")
    row.get_by_label("If your decision departs from the share the figures give, why?").fill(
        "The screening figures were not validated: the ward audit found every patient screened."
    )
    row.get_by_role("button", name=re.compile("Record the assessment")).click()

    row = _row(commissioner, "Community Care Trust")
    expect(row.locator(".override")).to_contain_text("The figures gave 33.3%")
    expect(row.locator(".override")).to_contain_text("the ward audit found every patient screened")
    check(commissioner, "review-against-the-figures")
    commissioner.goto(f"/programmes/{SOUTH_DEVON}/payments")
    overridden = commissioner.locator("table.overridden")
    expect(overridden).to_contain_text("Improve nutrition and hydration in care settings: Q2")
    expect(overridden).to_contain_text("33.3%")
    expect(overridden).to_contain_text("the ward audit found every patient screened")
    check(commissioner, "payments-against-the-figures")


def test_the_commissioner_restates_a_closed_quarter_and_the_payments_show_both_figures(sign_in: SignIn) -> None:
    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto(f"/schemes/{INCIDENTS}/quarters/Q1/review")
    row = commissioner.locator("section.review-row", has_text="Mount Stuart Hospital: Q1")

    row.get_by_text("Restate after the close").click()
    row.get_by_label("Not Met", exact=True).check()
    row.get_by_label("Rationale").fill("The action plan was never signed off.")
    row.get_by_label("Why are you restating it?").fill("The board minutes show the plan was not approved.")
    row.get_by_role("button", name="Restate the assessment").click()

    expect(commissioner.locator(".notification-banner")).to_contain_text("is restated as Not Met")
    expect(row.locator(".restated")).to_contain_text("The original above stands as the quarter closed")
    check(commissioner, "review-restated")
    commissioner.goto(f"/programmes/{SOUTH_DEVON}/payments#provider-{MSH}")
    restated = commissioner.get_by_role("region", name="Mount Stuart Hospital: restated after the close")
    expect(restated).to_contain_text("Improve incident investigation")
    expect(restated.locator("tbody")).to_contain_text("-£")
