"""No action confirms itself: after each, the page the user lands on says what happened and what happens next, once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, SignIn, check
from tests.browser.demo import CCT, NUTRITION, SELF_HARM


@pytest.fixture
def site(fresh_server: Server) -> Server:
    """These scenarios move the demo's quarters on: a server of their own."""
    return fresh_server


def banner(page: Page, done: str, then: str) -> None:
    """The success banner says what was done and what happens next."""
    shown = page.locator(".notification-banner--success[role=alert]")
    expect(shown).to_contain_text(done)
    expect(shown).to_contain_text(then)


def test_each_step_of_the_quarter_is_confirmed_once_with_what_happens_next(sign_in: SignIn) -> None:
    neighbour, lead = sign_in("cct.quality"), sign_in("dpt.quality")

    neighbour.goto(f"/schemes/{SELF_HARM}/milestones/Q2/evidence")
    neighbour.get_by_label("Narrative").fill("Q2: safety plans audited for every client.")
    neighbour.get_by_role("button", name="Submit evidence").click()
    banner(neighbour, "Evidence sent for Q2.", "The lead, Devon Partnership NHS Trust, will review it.")
    check(neighbour, "confirmation-evidence-sent")
    neighbour.reload()
    expect(neighbour.locator(".notification-banner")).to_have_count(0)

    lead.goto(f"/schemes/{SELF_HARM}/quarters/Q2/board")
    lead.get_by_role("link", name="Open Community Care Trust's Q2 evidence").click()
    lead.get_by_label("What should the provider change?").fill("Please add the number of plans reviewed.")
    lead.get_by_role("button", name="Return with a comment").click()
    banner(lead, "Community Care Trust's evidence for Q2 is returned", "Community Care Trust can revise it")

    nudge = lead.locator("section.nudge", has_text="South Western Ambulance Service")
    nudge.get_by_label("Reminder to South Western Ambulance Service NHS Foundation Trust").fill("Q2 is due.")
    nudge.get_by_role("button", name="Nudge").click()
    banner(lead, "South Western Ambulance Service NHS Foundation Trust is nudged", "The reminder is recorded")
    expect(lead.locator("section.nudge", has_text="South Western")).to_contain_text(
        "Priya Shah (dpt.quality): “Q2 is due.”"
    )

    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto(f"/schemes/{NUTRITION}/quarters/Q2/review")
    row = commissioner.locator("section.review-row", has_text="Community Care Trust: Q2")
    row.get_by_label("Partially Met", exact=True).check()
    row.get_by_label("Rationale").fill("85% screened within 24 hours.")
    row.get_by_role("button", name=re.compile("Record the assessment")).click()
    banner(commissioner, "Community Care Trust's Q2 is assessed as Partially Met", "payments are fixed when")
    check(commissioner, "confirmation-assessed")
    commissioner.goto(f"/schemes/{NUTRITION}/quarters/Q2/assessments/{CCT}")
    expect(commissioner.locator(".decision-record").last).to_contain_text("Helen Marsh (sdt-ccg.quality)")


def test_a_confirmation_cannot_be_forged_in_the_address_or_a_cookie(sign_in: SignIn, site: Server) -> None:
    page = sign_in("cct.quality")
    page.context.add_cookies([{"name": "corral_flash", "value": "eyJ4Ijoi.forged", "url": site.url}])

    page.goto("/home?flash=Your+account+is+closed&done=Evidence+sent")

    expect(page.locator(".notification-banner")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Your account is closed")


def test_presenting_a_pack_with_evidence_missing_asks_first_naming_who_is_missing(sign_in: SignIn) -> None:
    neighbour, lead = sign_in("cct.quality"), sign_in("dpt.quality")
    neighbour.goto(f"/schemes/{SELF_HARM}/milestones/Q2/evidence")
    neighbour.get_by_label("Narrative").fill("Q2: safety plans audited for every client.")
    neighbour.get_by_role("button", name="Submit evidence").click()
    lead.goto(f"/schemes/{SELF_HARM}/quarters/Q2/board")
    lead.get_by_role("link", name="Open Community Care Trust's Q2 evidence").click()
    lead.get_by_role("button", name="Accept into the pack").click()

    lead.get_by_role("button", name="Present the Q2 pack").click()

    asking = lead.locator("#present-confirm")
    expect(asking).to_contain_text(re.compile(r"Present the Q2 pack with \d+ missing\?"))
    expect(lead.locator("#present-missing li").first).to_contain_text(": milestone Q2")
    expect(lead.locator("#present-missing")).to_contain_text("South Western Ambulance Service NHS Foundation Trust")
    expect(lead.locator("#present-missing")).not_to_contain_text("Community Care Trust:")
    expect(lead.locator("#board-state")).not_to_contain_text("presented")
    missing = lead.locator("#present-missing li").count()
    check(lead, "present-with-missing")

    lead.get_by_role("button", name=f"Present with {missing} missing").click()

    banner(lead, "The Q2 evidence pack is presented.", "The commissioner, South Devon and Torbay CCG, will assess it")
    expect(lead.locator("#board-state")).to_contain_text(f"Presented with {missing} missing.")
    expect(lead.locator("#board-state")).not_to_contain_text("not ready")
    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto(f"/schemes/{SELF_HARM}/quarters/Q2/review")
    expect(commissioner.locator("main")).to_contain_text(
        re.compile(rf"missing: {missing} \(.*South Western Ambulance Service NHS Foundation Trust: Q2")
    )
