"""The trust's years: 2017/18's headline figures as the seed gives them, and a year continued into the next."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import SignIn, check
from tests.browser.demo import SPECIALISED_2017, SPECIALISED_2018, TRUST_2017, TRUST_2018


def test_the_payments_pages_show_the_seeds_89_and_100_percent_for_2017_18(sign_in: SignIn) -> None:
    local = sign_in("local-ccg.quality")
    local.goto(f"/programmes/{TRUST_2017}/payments")
    expect(local.locator("main")).to_contain_text("89.0%")

    specialised = sign_in("nhse-spec.quality")
    specialised.goto(f"/programmes/{SPECIALISED_2017}/payments")
    expect(specialised.locator("main")).to_contain_text("100.0%")
    check(local, "trust-payments-2017")


def test_the_years_link_to_each_other_and_the_commissioner_continues_after_reading_what_it_carries(
    sign_in: SignIn,
) -> None:
    local = sign_in("local-ccg.quality")
    local.goto(f"/programmes/{TRUST_2017}")
    local.locator("#continued-by").get_by_role("link").click()
    expect(local).to_have_url(f"/programmes/{TRUST_2018}")
    expect(local.locator("#continues")).to_contain_text("2017/18")

    commissioner = sign_in("nhse-spec.quality")
    commissioner.goto(f"/programmes/{SPECIALISED_2018}")
    commissioner.get_by_role("button", name="Continue into 2019/20").click()
    expect(commissioner.get_by_role("heading", name="Continue into 2019/20?")).to_be_visible()
    check(commissioner, "continue-confirm")
    commissioner.get_by_role("button", name="Yes, continue into 2019/20").click()

    banner = commissioner.locator(".notification-banner--success[role=alert]")
    expect(banner).to_contain_text("2019/20 is set up, continuing 2018/19")
    expect(commissioner.locator("#continues")).to_contain_text("2018/19")
    expect(commissioner.get_by_role("heading", name="Schemes awaiting agreement")).to_be_visible()
    drafts = commissioner.locator("section", has=commissioner.get_by_role("heading", name="Schemes awaiting agreement"))
    expect(drafts.get_by_role("link", name="CAMHS Transition Pathway", exact=True)).to_be_visible()
    check(commissioner, "continued-into-2019")
