"""Which contract year a home page shows: the one Corral takes to be now; when the viewer has no programme in it, its
latest year before (or its earliest, when every one is later); or the year asked for, or every year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from web.pages.years import years_for


@dataclass(frozen=True)
class Programme:
    contract_year: int


TAKEN_PART = [Programme(2016), Programme(2017), Programme(2017), Programme(2019)]


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (date(2017, 4, 1), 2017),  # the first day of 2017/18
        (date(2018, 3, 31), 2017),  # its last
        (date(2018, 6, 1), 2017),  # 2018/19, in which it has none: its latest year before
        (date(2026, 12, 5), 2019),
        (date(2015, 1, 20), 2016),  # every year it has is later: the earliest
    ],
)
def test_a_home_page_shows_the_current_contract_year_or_the_nearest_before_it(today: date, shown: int) -> None:
    assert years_for(None, TAKEN_PART, today).shown == shown


def test_the_year_asked_for_or_every_year_is_shown_with_a_link_to_each_year_newest_first() -> None:
    asked = years_for("2016", TAKEN_PART, date(2019, 5, 1))
    every = years_for("all", TAKEN_PART, date(2019, 5, 1))

    assert asked.shown == 2016 and [p.contract_year for p in asked.of(TAKEN_PART)] == [2016]
    assert every.shown is None and every.of(TAKEN_PART) == TAKEN_PART
    assert [(y.label, y.href, y.shown) for y in asked.links] == [
        ("2019/20", "?year=2019", False),
        ("2017/18", "?year=2017", False),
        ("2016/17", "?year=2016", True),
        ("All years", "?year=all", False),
    ]
    assert [y.label for y in every.links if y.shown] == ["All years"]


def test_a_list_page_whose_default_is_every_year_shows_every_year_until_one_is_asked_for() -> None:
    assert years_for(None, TAKEN_PART, date(2019, 5, 1), default_all=True).shown is None
