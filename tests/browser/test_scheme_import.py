"""The commissioner imports schemes from a workbook: a faulty one shows each fault by sheet, row and column and
drafts nothing; the fixed one is previewed, confirmed, and drafted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from api.cli.demo import south_devon
from api.http.imports.template import template
from tests.browser.conftest import Server, SignIn, check
from tests.browser.demo import SOUTH_DEVON
from tests.workbooks import filled

SCHEME = ("FALLS", "Reduce falls in care settings", "")
TAKING_PART = [("FALLS", south_devon.ACUTE), ("FALLS", south_devon.THIRD_SECTOR)]
LEFT_OUT = [
    ("FALLS", provider, None, "Has no care settings where falls are counted.")
    for provider in (south_devon.AMBULANCE, south_devon.PRIVATE, south_devon.COMMUNITY, south_devon.MENTAL_HEALTH)
]


@pytest.fixture
def site(fresh_server: Server) -> Server:
    """A scheme is drafted: a server of its own."""
    return fresh_server


def workbook(folder: Path, due: date) -> Path:
    milestone = ("FALLS", "AUDIT", "Falls audit", "", "Q2", due)
    data = filled(
        template("South Devon and Torbay", 2014, []),
        Schemes=[SCHEME],
        Participants=[*TAKING_PART, *LEFT_OUT],
        Milestones=[milestone],
    )
    path = folder / f"falls-{due.isoformat()}.xlsx"
    path.write_bytes(data)
    return path


def test_a_faulty_workbook_shows_its_faults_and_the_fixed_one_is_drafted(sign_in: SignIn, tmp_path: Path) -> None:
    page = sign_in("sdt-ccg.quality")
    page.goto(f"/programmes/{SOUTH_DEVON}")
    page.get_by_role("link", name="Import schemes from a workbook").click()

    page.get_by_label("The filled-in workbook (.xlsx)").set_input_files(workbook(tmp_path, date(2015, 9, 30)))
    page.get_by_role("button", name="Check the workbook").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Milestones, row 2, column Due date: must fall in the contract year, from 1 April 2014 to 31 March 2015"
    )
    check(page, "import-faults")

    page.get_by_label("The filled-in workbook (.xlsx)").set_input_files(workbook(tmp_path, date(2014, 9, 30)))
    page.get_by_role("button", name="Check the workbook").click()
    expect(page.get_by_role("heading", name="FALLS: Reduce falls in care settings")).to_be_visible()
    check(page, "import-preview")
    page.get_by_role("button", name="Draft 1 scheme").click()

    expect(page.locator(".notification-banner--success")).to_contain_text("1 scheme drafted from the workbook: FALLS.")
