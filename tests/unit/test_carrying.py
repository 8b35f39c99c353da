"""Last year's terms carried into the next: dates a year on, and baselines from the figures reported."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from domain.carrying import baseline_from, carried_forward, next_year
from domain.evidence import Figures
from domain.milestones import NumericMeasure, Quarter
from domain.scheme_terms import PackDeadline
from tests.builders import ae_reduction, flu_milestone, narrative_milestone, terms

Q1_PACK_DUE = PackDeadline(Quarter.Q1, date(2014, 8, 15))
FLU = NumericMeasure("staff vaccinated", "frontline staff", Decimal("0.60"), Decimal("0.80"))


def test_a_leap_day_falls_on_the_last_day_of_february_a_year_on() -> None:
    assert (next_year(date(2016, 2, 29)), next_year(date(2014, 7, 31))) == (date(2017, 2, 28), date(2015, 7, 31))


def test_a_rate_reported_by_several_providers_is_pooled_and_a_count_averaged() -> None:
    rates = [Figures(Decimal(70), Decimal(100)), Figures(Decimal(150), Decimal(200))]
    counts = [Figures(Decimal(300)), Figures(Decimal(401))]

    assert baseline_from(FLU, rates) == Decimal("0.733333")
    assert baseline_from(ae_reduction(), counts) == Decimal("350.5")


def test_nothing_reported_or_a_change_from_zero_leaves_the_baseline_for_the_commissioner_to_give() -> None:
    assert baseline_from(FLU, []) is None
    assert baseline_from(ae_reduction(), [Figures(Decimal(0))]) is None


def test_the_latest_quarter_measured_gives_the_baseline_and_dates_move_a_year_on() -> None:
    q2, q4 = flu_milestone("FLU-Q2", Quarter.Q2), flu_milestone("FLU-Q4", Quarter.Q4)
    last_year = replace(terms(narrative_milestone("PLAN"), q2, q4), pack_deadlines=(Q1_PACK_DUE,))
    reported = {"FLU-Q2": [Figures(Decimal(1), Decimal(2))], "FLU-Q4": [Figures(Decimal(3), Decimal(4))]}

    carried = carried_forward(last_year, reported, last_year.provider_ids)

    baselines = [m.measure.baseline if m.measure else None for m in carried.milestones]
    assert baselines == [None, Decimal("0.75"), Decimal("0.75")]
    assert [m.due for m in carried.milestones] == [date(2015, 7, 31)] * 3
    assert carried.pack_deadlines == (PackDeadline(Quarter.Q1, date(2015, 8, 15)),)
    assert carried.participants == last_year.participants and carried.title == last_year.title
