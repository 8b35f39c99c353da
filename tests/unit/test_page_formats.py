"""How every page writes money and time: whole pounds without pence, and UK clock time through BST and GMT."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from web.pages.rendering import environment
from web.pages.formats import day, milestone_name, money, moment


@pytest.mark.parametrize(
    "amount,shown",
    [
        ("546875", "£546,875"),
        ("546875.00", "£546,875"),
        ("1234.5", "£1,234.50"),
        ("1234.505", "£1,234.51"),
        ("0.004", "£0"),
        ("0.07", "£0.07"),
        ("-250.10", "-£250.10"),
        ("12345678901234567890123456789012", "£12,345,678,901,234,567,890,123,456,789,012"),
    ],
)
def test_money_shows_pence_only_when_there_are_pence(amount: str, shown: str) -> None:
    assert money(Decimal(amount)) == shown


def test_money_the_views_do_not_know_yet_is_left_blank() -> None:
    assert money(None) == ""


def test_a_summer_moment_is_shown_in_british_summer_time() -> None:
    assert moment(datetime(2014, 7, 14, 9, 5, tzinfo=UTC)) == "14 Jul 2014, 10:05"


def test_a_winter_moment_is_shown_in_greenwich_mean_time() -> None:
    assert moment(datetime(2014, 12, 1, 9, 5, tzinfo=UTC)) == "1 Dec 2014, 09:05"


def test_moments_either_side_of_the_clocks_going_back_read_as_uk_clocks_did() -> None:
    # On 26 October 2014 the clocks went back at 01:00 UTC: 01:59 BST came before 01:00 GMT.
    before = datetime(2014, 10, 26, 0, 59, tzinfo=UTC)

    assert moment(before) == "26 Oct 2014, 01:59"
    assert moment(before + timedelta(minutes=1)) == "26 Oct 2014, 01:00"


def test_a_moment_late_on_a_summer_evening_in_utc_falls_on_the_next_uk_day() -> None:
    late = datetime(2014, 7, 14, 23, 30, tzinfo=UTC)

    assert day(late) == "15 Jul 2014"
    assert moment(late) == "15 Jul 2014, 00:30"


def test_a_moment_stored_without_a_zone_is_taken_as_utc_and_one_in_another_zone_is_converted() -> None:
    assert moment(datetime(2014, 7, 14, 9, 5)) == "14 Jul 2014, 10:05"
    assert moment(datetime(2014, 7, 14, 11, 5, tzinfo=timezone(timedelta(hours=2)))) == "14 Jul 2014, 10:05"


def test_a_day_is_written_short() -> None:
    assert day(date(2014, 10, 30)) == "30 Oct 2014"
    assert day(date(2015, 3, 1)) == "1 Mar 2015"


def test_the_templates_use_the_same_filters() -> None:
    shown = environment.from_string("{{ a | money }} {{ b | moment }} {{ c | day }}").render(
        a=Decimal("1000"), b=datetime(2014, 7, 14, 9, 5, tzinfo=UTC), c=date(2014, 10, 30)
    )

    assert shown == "£1,000 14 Jul 2014, 10:05 30 Oct 2014"


@pytest.mark.parametrize(
    "code,title,shown",
    [
        ("M1", "Baseline agreed", "Q3 M1: Baseline agreed"),
        ("Q3", "Learning shared across the system", "Q3: Learning shared across the system"),
        ("Q3", "Flu vaccination: Q3 milestone", "Flu vaccination: Q3 milestone"),
        ("Q3-TARGETED", "Crews refer frequent callers", "Q3-TARGETED: Crews refer frequent callers"),
        ("M1", "Q3 report sent", "M1: Q3 report sent"),
        ("Q3", "", "Q3"),
        ("M1", "", "Q3 M1"),
    ],
)
def test_a_milestone_is_named_with_its_quarter_once(code: str, title: str, shown: str) -> None:
    assert milestone_name("Q3", code, title) == shown
