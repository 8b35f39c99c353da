"""The audit page's dates, typed as the NHS date input asks: each wrong field named, and UK days turned into UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from web.pages.dates import in_order, start_of, typed_date


def _typed(day: str, month: str, year: str, name: str = "since") -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def test_nothing_typed_is_no_date_and_no_error() -> None:
    typed = typed_date({}, "since", "From")

    assert typed.value is None and typed.error is None and typed.typed == {}


def test_a_real_date_is_that_day_and_goes_back_into_the_address_as_typed() -> None:
    typed = typed_date(_typed(" 14", "7", "2014 "), "since", "From")

    assert typed.value == date(2014, 7, 14) and typed.error is None
    assert typed.typed == {"since-day": "14", "since-month": "7", "since-year": "2014"}


@pytest.mark.parametrize(
    "day,month,year,error,wrong",
    [
        ("14", "", "2014", "The from date must include a month", ("month",)),
        ("", "", "2014", "The from date must include a day and a month", ("day", "month")),
        ("14", "July", "2014", "The from date must be a real date, in numbers", ("month",)),
        ("31", "2", "2014", "The from date must be a real date", ("day", "month", "year")),
        ("14", "7", "14", "The from date's year must have 4 numbers, like 2014", ("year",)),
        ("14", "7", "0000", "The from date must be a real date", ("day", "month", "year")),
        ("-1", "7", "2014", "The from date must be a real date, in numbers", ("day",)),
    ],
)
def test_a_date_that_is_not_whole_or_real_names_what_is_wrong_and_keeps_what_was_typed(
    day: str, month: str, year: str, error: str, wrong: tuple[str, ...]
) -> None:
    typed = typed_date(_typed(day, month, year), "since", "From")

    assert (typed.value, typed.error, typed.wrong) == (None, error, wrong)
    assert (typed.day, typed.month, typed.year) == (day, month, year)


def test_a_to_date_before_the_from_date_is_refused() -> None:
    since = typed_date(_typed("30", "10", "2014"), "since", "From")
    until = typed_date(_typed("29", "10", "2014", "until"), "until", "To")

    assert in_order(since, until).error == "The to date must be the same as or after the from date"
    assert in_order(since, typed_date(_typed("30", "10", "2014", "until"), "until", "To")).error is None


def test_a_summer_day_begins_an_hour_before_midnight_utc_and_a_winter_day_at_midnight() -> None:
    assert start_of(date(2014, 7, 14)) == datetime(2014, 7, 13, 23, 0, tzinfo=UTC)
    assert start_of(date(2014, 12, 1)) == datetime(2014, 12, 1, 0, 0, tzinfo=UTC)
    assert start_of(date(2014, 10, 25), plus=1) == datetime(2014, 10, 25, 23, 0, tzinfo=UTC)
    assert start_of(date(2014, 10, 26), plus=1) == datetime(2014, 10, 27, 0, 0, tzinfo=UTC)


def test_the_day_after_the_last_day_there_is_is_no_bound_at_all() -> None:
    assert start_of(date(9999, 12, 31), plus=1) is None
    assert start_of(None) is None
