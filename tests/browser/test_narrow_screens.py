"""At 320 px every table is a stack of blocks, each cell headed by its column, and the payments chart still reads:
nothing a column holds is cut off, and the page never scrolls sideways."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from tests.browser.conftest import SignIn, check, no_sideways_scrolling
from tests.browser.demo import SELF_HARM, SOUTH_DEVON

WIDTH = 320


def _on_screen(things: Locator, least: int = 1) -> None:
    """At least `least` of them, each one seen whole between 0 and 320 px across."""
    expect(things.first).to_be_visible()
    assert things.count() >= least
    for thing in things.all():
        thing.scroll_into_view_if_needed()
        box = thing.bounding_box()
        assert box is not None and box["width"] > 0, thing
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (
            f"{thing} spans {box['x']}..{box['x'] + box['width']}"
        )


def test_a_providers_home_at_320_px_shows_every_milestones_action(sign_in: SignIn) -> None:
    page = sign_in("cct.quality", width=WIDTH, height=640)
    page.goto("/home")

    _on_screen(page.get_by_role("link", name="evidence for"), least=3)
    _on_screen(page.locator(".table-responsive__heading", has_text="Action"))
    _on_screen(page.locator("td", has_text="Assessment"))
    no_sideways_scrolling(page, page.url)


def test_the_collation_board_at_320_px_shows_each_participants_open_link_and_last_action(sign_in: SignIn) -> None:
    page = sign_in("dpt.quality", width=WIDTH, height=640)
    page.goto(f"/schemes/{SELF_HARM}/quarters/Q2/board")

    _on_screen(page.locator("#board-participants").get_by_role("link", name="Open"), least=2)
    _on_screen(page.locator("#board-participants td", has_text="Last action"))
    no_sideways_scrolling(page, page.url)


def test_the_audit_trail_at_320_px_shows_what_happened_and_why(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.auditor", width=WIDTH, height=640)
    page.goto(f"/programmes/{SOUTH_DEVON}/audit")

    _on_screen(page.locator("#audit-entries td", has_text="What happened"), least=20)
    _on_screen(page.locator("#audit-entries td", has_text="Why"))
    _on_screen(page.get_by_role("group", name="To").get_by_label("Year"))
    no_sideways_scrolling(page, page.url)


def test_the_programme_overview_at_320_px_shows_every_quarter_up_to_q4(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.quality", width=WIDTH, height=640)
    page.goto(f"/programmes/{SOUTH_DEVON}")

    q4 = page.locator("table.matrix td").filter(has=page.locator(".table-responsive__heading", has_text="Q4"))
    _on_screen(q4, least=10)
    no_sideways_scrolling(page, page.url)


def test_the_payments_chart_and_tables_at_320_px_read_whole(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.quality", width=WIDTH, height=640)
    page.goto(f"/programmes/{SOUTH_DEVON}/payments")

    chart = page.locator("svg[role=img]").first
    _on_screen(chart.locator("text", has_text="Q4"))
    _on_screen(chart.locator("text", has_text="Earned £"), least=4)
    assert chart.locator("text").first.evaluate("t => parseFloat(getComputedStyle(t).fontSize)") >= 14
    _on_screen(page.locator("td", has_text="Achieved"), least=5)
    no_sideways_scrolling(page, page.url)
    check(page, "320px-payments")


def test_the_money_by_scheme_reads_whole_at_320_px_and_adds_up_to_the_programmes(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.quality", width=WIDTH, height=640)
    page.goto(f"/programmes/{SOUTH_DEVON}/payments")

    by_scheme = page.get_by_role("table", name="The whole programme by scheme")
    nutrition = by_scheme.get_by_role("row").filter(has_text="NUTRITION: Improve nutrition")

    # Exactly £719,791.66⅔ available: its pennies shared out so that the schemes add up to the programme's total.
    expect(nutrition).to_contain_text(re.compile(r"Available £719,791\.6[67]Earned £681,250Shortfall £38,541\.6[67]"))
    expect(nutrition).to_contain_text("94.6%")
    earned = page.locator("dl.figures").first.locator(".figures__item", has_text="Earned").locator("dd").inner_text()
    expect(by_scheme.get_by_role("row").filter(has_text="All schemes")).to_contain_text(earned)
    _on_screen(by_scheme.locator("td", has_text="Shortfall"), least=6)
    no_sideways_scrolling(page, page.url)
    check(page, "320px-payments-by-scheme")
