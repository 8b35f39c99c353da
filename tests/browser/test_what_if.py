"""The forecast on the payments page and the what-if page: the commissioner picks a provider, supposes a milestone Met
and sees the money move; a provider asks about its own on a 320 px screen. Each page passes axe."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import SignIn, check, no_sideways_scrolling
from tests.browser.demo import SDHFT, SOUTH_DEVON


def test_the_commissioner_reads_the_forecast_and_supposes_a_milestone_met(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.quality")
    page.goto(f"/programmes/{SOUTH_DEVON}/payments")
    expect(page.get_by_role("heading", name="Forecast")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Figures carried forward").first).to_be_visible()
    check(page, "payments-forecast")

    page.get_by_role("link", name="Try your own what-if").click()
    page.get_by_label("Provider").select_option(str(SDHFT))
    page.get_by_role("button", name="Show its milestones").click()
    page.locator("select[name=status-0]").select_option("Met")
    page.get_by_role("button", name="See the money move").click()

    expect(page.get_by_role("heading", name="The money before and after")).to_be_visible()
    expect(page.get_by_role("rowheader", name="The whole year")).to_have_count(1)
    check(page, "what-if-answered")


def test_a_provider_asks_about_its_own_money_on_a_narrow_screen(sign_in: SignIn) -> None:
    page = sign_in("sdhft.quality", width=320, height=640)
    page.goto(f"/programmes/{SOUTH_DEVON}/what-if")
    expect(page.get_by_label("Provider")).to_have_count(0)
    page.locator("input[name=numerator-0]").fill("lots")
    page.get_by_role("button", name="See the money move").click()

    expect(page.get_by_text("There is a problem")).to_be_visible()
    no_sideways_scrolling(page, "**/what-if?**")
    check(page, "what-if-refused-320")
