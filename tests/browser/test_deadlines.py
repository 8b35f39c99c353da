"""Running the quarter as at 20 January 2015, inside the demo's own year: what is overdue and due soon, each
organisation's work queue, and the commissioner calling in evidence the lead left waiting past the pack deadline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Server, SignIn, check
from tests.browser.demo import SELF_HARM


@pytest.fixture
def site(demo_year_server: Server) -> Server:
    """Every test here moves the demo on, as at a day inside its year, on a server of its own."""
    return demo_year_server


def queue_section(page: Page, key: str) -> Locator:
    """The items listed under one heading of the home page's work queue."""
    return page.locator(f"[aria-labelledby='queue-{key}']")


def ambulance_row(page: Page) -> Locator:
    """The review's row for the ambulance trust's targeted Q2 milestone, which the lead never reviewed."""
    return page.locator(
        "section.review-row", has_text="South Western Ambulance Service NHS Foundation Trust: Q2-TARGETED"
    )


def test_as_at_a_day_in_the_demo_year_a_providers_home_shows_what_is_overdue_and_due_soon(sign_in: SignIn) -> None:
    provider = sign_in("cct.quality")  # Community Care Trust: missing Q2 self-harm evidence, nudged by the lead
    provider.goto("/home")

    overdue = queue_section(provider, "overdue")
    expect(overdue).to_contain_text("Reduce self-harm and suicide, Q2")
    expect(overdue).to_contain_text("82 days overdue")
    due_soon = queue_section(provider, "due_soon")
    expect(due_soon).to_contain_text("Q3")
    expect(due_soon).to_contain_text("due in 10 days")
    expect(queue_section(provider, "nudged")).to_contain_text("Your Q2 evidence is due by 30 October.")
    check(provider, "home-as-at-demo-year")


def test_the_leads_queue_shows_a_new_submission_live_and_clears_once_it_is_accepted(sign_in: SignIn) -> None:
    lead = sign_in("dpt.quality")  # Devon Partnership NHS Trust leads self-harm and suicide
    lead.goto("/home")
    waiting = queue_section(lead, "waiting_for_decision")
    expect(waiting).not_to_contain_text("Q3")

    neighbour = sign_in("sdhft.quality")
    neighbour.goto(f"/schemes/{SELF_HARM}/milestones/Q3/evidence")
    neighbour.get_by_label("Narrative").fill("Learning shared at the January system meeting.")
    neighbour.get_by_role("button", name="Submit evidence").click()
    neighbour.wait_for_url(re.compile("/evidence"))

    expect(waiting).to_contain_text("South Devon Healthcare NHS Foundation Trust")  # live, without a reload
    expect(waiting).to_contain_text("Q3")
    waiting.get_by_role("link", name=re.compile("Reduce self-harm and suicide, Q3")).click()
    lead.get_by_role("button", name="Accept into the pack").click()
    expect(lead.locator("main")).to_contain_text("accepted by lead")
    lead.goto("/home")
    expect(queue_section(lead, "waiting_for_decision")).not_to_contain_text("Q3")


def test_the_commissioners_queue_shows_the_presented_pack_and_the_packs_overdue(sign_in: SignIn) -> None:
    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto("/")

    expect(commissioner).to_have_url(re.compile("/home$"))
    expect(queue_section(commissioner, "to_assess")).to_contain_text(
        "Improve nutrition and hydration in care settings, Q2"
    )
    expect(queue_section(commissioner, "queries")).to_contain_text("Improve patient experience, Q2")
    expect(queue_section(commissioner, "packs_overdue")).to_contain_text("Reduce self-harm and suicide, Q2")
    check(commissioner, "commissioner-home")


def test_after_the_pack_deadline_the_commissioner_calls_in_and_assesses_what_the_lead_left_waiting(
    sign_in: SignIn,
) -> None:
    commissioner = sign_in("sdt-ccg.quality")
    commissioner.goto("/home")
    queue_section(commissioner, "packs_overdue").get_by_role("link", name=re.compile("Reduce self-harm")).click()
    row = ambulance_row(commissioner)

    row.get_by_label("Why are you calling it in?").fill("The lead has not reviewed it since October.")
    row.get_by_role("button", name=re.compile("Call in the evidence")).click()
    row = ambulance_row(commissioner)
    expect(row).to_contain_text("was called in past the lead")
    row.get_by_label("Met", exact=True).check()
    row.get_by_label("Rationale").fill("Incident reviews complete for the quarter.")
    row.get_by_role("button", name=re.compile("Record the assessment")).click()

    row = ambulance_row(commissioner)
    expect(row.locator(".tag", has_text="Met").first).to_be_visible()
    check(commissioner, "review-after-call-in")
