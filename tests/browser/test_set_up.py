"""The commissioner sets up a programme from nothing on the pages: providers join, a scheme is drafted with a
narrative and a numeric milestone, its lead designated, and every party signs it on its own agreement page; a second
scheme is imported from the programme's own workbook, led and signed the same way; then the first one's agreed terms
are varied with a new milestone, the agreed version still shown, and every party signs again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, SignIn, check, no_sideways_scrolling
from tests.workbooks import filled

ACUTE = "South Devon Healthcare NHS Foundation Trust"
THIRD_SECTOR = "Community Care Trust"
PRIVATE = "Mount Stuart Hospital"
PARTICIPANTS = ("sdhft.quality", "cct.quality")
FALLS = ("FALLS", "Reduce falls in care settings", "")
FALLS_PARTICIPANTS = [
    ("FALLS", ACUTE, 1),
    ("FALLS", THIRD_SECTOR, 1),
    ("FALLS", PRIVATE, None, "It has no care settings where falls are counted."),
]
FALLS_AUDIT = ("FALLS", "AUDIT", "Falls audit", "", "Q2", date(2015, 9, 30))


@pytest.fixture
def site(fresh_server: Server) -> Server:
    """A programme is set up: a server of its own."""
    return fresh_server


def add_provider(page: Page, name: str, contract_value: str, rate: str) -> None:
    page.get_by_role("link", name="Add a provider").click()
    page.get_by_label("Provider", exact=True).select_option(label=name)
    page.get_by_label("Contract value, in pounds").fill(contract_value)
    page.get_by_label("CQUIN rate, as a percentage").fill(rate)
    page.get_by_role("button", name="Add the provider").click()
    expect(page.locator(".notification-banner")).to_contain_text(f"{name} joined the programme")


def milestone(page: Page, row: int, code: str, title: str, quarter: str, due: str) -> None:
    page.get_by_label(f"Milestone {row} code", exact=True).fill(code)
    page.get_by_label(f"Milestone {row} title", exact=True).fill(title)
    page.get_by_label(f"Milestone {row} quarter", exact=True).select_option(quarter)
    page.get_by_label(f"Milestone {row} due date", exact=True).fill(due)


def agreed_by_every_party(page: Page, sign_in: SignIn, version: int) -> None:
    """The commissioner signs the version on the agreement page it is on, then each participant on its own page."""
    agreement = page.url.split("?")[0]
    page.get_by_role("button", name=f"Sign version {version}").click()
    for user in PARTICIPANTS:
        signer = sign_in(user)
        signer.goto(agreement)
        signer.get_by_role("button", name=f"Sign version {version}").click()
        expect(signer.get_by_text(f"Your organisation signed version {version}")).to_be_visible()
    page.goto(agreement)
    expect(page.get_by_text(f"Every party signed version {version}, so it is agreed.")).to_be_visible()


def imported(page: Page, folder: Path) -> None:
    """FALLS drafted from the programme's own workbook: downloaded from its import page, filled in, uploaded."""
    page.get_by_role("link", name="Import schemes from a workbook").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the scheme workbook (Excel)").click()
    blank = Path(download.value.path()).read_bytes()
    workbook = folder / "falls.xlsx"
    workbook.write_bytes(filled(blank, Schemes=[FALLS], Participants=FALLS_PARTICIPANTS, Milestones=[FALLS_AUDIT]))
    page.get_by_label("The filled-in workbook (.xlsx)").set_input_files(workbook)
    page.get_by_role("button", name="Check the workbook").click()
    expect(page.get_by_role("heading", name="FALLS: Reduce falls in care settings")).to_be_visible()
    page.get_by_role("button", name="Draft 1 scheme").click()
    expect(page.locator(".notification-banner--success")).to_contain_text("1 scheme drafted from the workbook: FALLS.")


def test_the_commissioner_sets_up_a_programme_and_every_party_signs_its_schemes(
    sign_in: SignIn, tmp_path: Path
) -> None:
    page = sign_in("sdt-ccg.quality")
    page.goto("/programmes")
    page.get_by_role("link", name="Set up a programme").click()
    check(page, "set-up-programme")
    page.get_by_label("Health economy").fill("Torbay Pilot")
    page.get_by_label("Contract year").fill("2015")
    page.get_by_role("button", name="Set up the programme").click()
    expect(page.get_by_text("Torbay Pilot 2015/16 is set up.")).to_be_visible()
    programme = page.url.split("?")[0]

    page.get_by_role("link", name="Add a provider").click()
    check(page, "add-provider")
    page.go_back()
    add_provider(page, ACUTE, "180000000", "2.5")
    add_provider(page, THIRD_SECTOR, "2000000", "2.5")
    add_provider(page, PRIVATE, "6000000", "1.25")

    page.get_by_role("link", name="Draft a scheme").click()
    page.get_by_label("Scheme code", exact=True).fill("FLU")
    page.get_by_label("Title", exact=True).fill("Flu vaccination of frontline staff")
    page.get_by_label(f"{PRIVATE} takes part").uncheck()
    page.get_by_label(f"Why {PRIVATE} is left out, if it is").fill("Its NHS patients are not in scope.")
    milestone(page, 1, "F1", "A vaccination plan", "Q1", "2015-06-30")
    milestone(page, 2, "F2", "Uptake of flu vaccination", "Q3", "2015-12-31")
    page.get_by_label("Milestone 2 kind", exact=True).select_option("numeric")
    page.get_by_text("Milestone 2: the figures, when it is numeric").click()
    page.get_by_label("Milestone 2 numerator", exact=True).fill("frontline staff vaccinated")
    page.get_by_label("Milestone 2 denominator", exact=True).fill("frontline staff")
    page.get_by_label("Milestone 2 unit", exact=True).select_option("fraction")
    page.get_by_label("Milestone 2 minimum", exact=True).fill("0.6")
    page.get_by_label("Milestone 2 maximum", exact=True).fill("80")
    page.get_by_role("button", name="Draft the scheme").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Milestone 2 maximum: must be a fraction from 0 to 1, not 80"
    )
    check(page, "draft-scheme-refused")

    page.get_by_label("Milestone 2 unit", exact=True).select_option("percent")
    page.get_by_label("Milestone 2 minimum", exact=True).fill("60")
    page.get_by_role("button", name="Draft the scheme").click()
    expect(page.get_by_text("Scheme FLU is drafted.")).to_be_visible()
    expect(page.get_by_text(f"{PRIVATE}: Its NHS patients are not in scope.")).to_be_visible()
    expect(page.get_by_text("60% to 80%")).to_be_visible()
    worth = page.get_by_role("table").filter(has_text="Worth")
    expect(worth).to_contain_text("£2,250,000")  # half of £180,000,000 at 2.5%: F2 is one of its two milestones
    expect(worth).to_contain_text("£25,000")

    check(page, "agreement-designate-lead")
    page.get_by_label("Lead provider").select_option(label=ACUTE)
    page.get_by_role("button", name="Designate the lead").click()
    expect(page.get_by_text(f"{ACUTE} leads the scheme.")).to_be_visible()
    agreement = page.url.split("?")[0]
    agreed_by_every_party(page, sign_in, 1)

    page.goto(programme)
    imported(page, tmp_path)
    page.get_by_role("link", name="Reduce falls in care settings").first.click()
    expect(page.get_by_text(f"{PRIVATE}: It has no care settings where falls are counted.")).to_be_visible()
    page.get_by_label("Lead provider").select_option(label=THIRD_SECTOR)
    page.get_by_role("button", name="Designate the lead").click()
    expect(page.get_by_text(f"{THIRD_SECTOR} leads the scheme.")).to_be_visible()
    agreed_by_every_party(page, sign_in, 1)

    page.goto(agreement)
    page.get_by_role("link", name="Change these terms").click()
    expect(page.get_by_label("Milestone 2 minimum", exact=True)).to_have_value("60")
    expect(page.get_by_label("Milestone 2 unit", exact=True)).to_have_value("percent")
    expect(page.get_by_label(f"Why {PRIVATE} is left out, if it is")).to_have_value(
        "Its NHS patients are not in scope."
    )
    milestone(page, 3, "F3", "An audit of uptake by ward", "Q4", "2016-03-31")
    check(page, "change-terms")
    page.get_by_label("Why the terms change").fill("Uptake is audited by ward at year end.")
    page.get_by_role("button", name="Propose the variation").click()
    expect(page.get_by_text("A variation of scheme FLU is proposed.")).to_be_visible()
    expect(page.get_by_text("version 1 stays in force until everyone signs")).to_be_visible()
    expect(page.get_by_text("An audit of uptake by ward")).to_be_visible()
    page.get_by_text("Version 1, agreed by 3 parties").click()
    expect(page.get_by_role("region", name="Milestones of version 1")).not_to_contain_text("F3")
    check(page, "agreement-varying")
    agreed_by_every_party(page, sign_in, 2)
    expect(page.get_by_text("Version 1, agreed by 3 parties")).to_be_visible()

    narrow = sign_in("sdt-ccg.quality", width=320, height=640)
    narrow.goto(programme)
    narrow.get_by_role("link", name="Draft a scheme").click()
    no_sideways_scrolling(narrow, "**/schemes/new")
    check(narrow, "draft-scheme-320")
    narrow.goto(agreement)
    narrow.get_by_role("link", name="Change these terms").click()
    no_sideways_scrolling(narrow, "**/terms")
    check(narrow, "change-terms-320")
