"""The payment schedule on the payments page: the commissioner sets the on-account basis and issues a statement;
the finance approver reads it on a 320 px screen. Each page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server, SignIn, check, no_sideways_scrolling
from tests.browser.demo import SOUTH_DEVON


@pytest.fixture
def site(fresh_server: Server) -> Server:
    return fresh_server


def test_the_commissioner_sets_the_basis_and_issues_a_statement_the_finance_approver_reads_it_narrow(
    sign_in: SignIn,
) -> None:
    page = sign_in("sdt-ccg.quality")
    page.goto(f"/programmes/{SOUTH_DEVON}/payments")
    page.get_by_text("Set the on-account basis").click()
    page.get_by_label("Expected achievement, as a percentage").fill("90")
    page.get_by_label("Approval threshold, in pounds").fill("5000000")
    page.get_by_label("Reason").fill("Last year's achievement.")
    page.get_by_role("button", name="Set the basis").click()
    expect(page.get_by_text("90.0%", exact=True)).to_be_visible()  # the basis set, as the schedule states it
    page.get_by_role("button", name=re.compile("April statement")).first.click()
    expect(page.get_by_role("rowheader", name="April")).to_have_count(1)
    check(page, "payments-statements")

    finance = sign_in("sdt-ccg.finance", width=320, height=640)
    finance.goto(f"/programmes/{SOUTH_DEVON}/payments")
    expect(finance.get_by_role("rowheader", name="April")).to_have_count(1)
    expect(finance.get_by_role("button", name=re.compile("May statement"))).to_have_count(1)
    expect(finance.get_by_text("Set the on-account basis")).to_have_count(0)
    no_sideways_scrolling(finance, "**/payments")
    check(finance, "payments-statements-320")
