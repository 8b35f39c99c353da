"""The trust's home as at 20 January 2015, before any year it took part in: its earliest year, 2017/18, is shown, and
the keyboard alone takes it to 2018/19 and to every year."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server, SignIn, check


@pytest.fixture
def site(demo_year_server: Server) -> Server:
    return demo_year_server


def test_the_trusts_home_shows_one_year_and_the_keyboard_reaches_another_year_and_every_year(sign_in: SignIn) -> None:
    trust = sign_in("mht.quality")
    trust.goto("/home")
    years = trust.get_by_role("navigation", name="Contract years")
    programmes = trust.locator("section.programme h2")

    expect(years.locator("[aria-current=page]")).to_have_text("2017/18")
    expect(programmes).to_have_count(2)
    expect(programmes.first).to_contain_text("2017/18")
    check(trust, "home-years")

    years.get_by_role("link", name="2018/19").focus()
    trust.keyboard.press("Enter")
    trust.wait_for_url("**/home?year=2018")
    expect(programmes).to_have_count(2)
    expect(programmes.first).to_contain_text("2018/19")

    years.get_by_role("link", name="All years").focus()
    trust.keyboard.press("Enter")
    trust.wait_for_url("**/home?year=all")
    expect(programmes).to_have_count(4)
