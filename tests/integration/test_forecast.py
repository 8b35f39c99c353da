"""Forecast and what-if read from the views, on a small programme worked by hand.

The programme: ACUTE and COMMUNITY take part in one scheme of four milestones of equal weight, each provider's CQUIN
value 2,500,000 (100,000,000 at 2.5%), so 625,000 a milestone: M1 (narrative) and FLU1 (flu uptake, paid between 60%
and 80%) in Q1; M2 (narrative) and FLU2 (the same flu measure) in Q2. ACUTE's Q1 is assessed: M1 Met, FLU1 on 70 of 100
(half way: Partially Met, 312,500). Its achievement so far is (625,000 + 312,500) / 1,250,000 = 0.75. Nothing of
COMMUNITY's is assessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.limits import InvalidInputError
from domain.milestones import Milestone, NumericMeasure, Quarter
from projections.progress.queries import forecast_for, load_progress, programme_access
from projections.progress.queries.forecast import Forecast, Scenario, carried_shares
from projections.progress.queries.hypotheses import measures, recorded_figures
from projections.progress.queries.what_if import Supposition, what_if
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, figures, flu_milestone
from tests.builders import narrative, narrative_milestone, terms
from tests.integration.given import agreed_scheme, flu_closed, presented
from tests.integration.read_models import Views, scheme_agreed, views_of

ALL_MET, SO_FAR, NONE_MET, CARRIED = Scenario.all_met, Scenario.so_far, Scenario.none_met, Scenario.figures_carried
Q1, Q2 = Quarter.Q1, Quarter.Q2


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


@dataclass(frozen=True)
class World:
    app: Corral
    views: Views
    programme_id: str
    scheme_id: str

    def forecast(self) -> Forecast:
        view = self.views.caught_up(self.app).progress
        return forecast_for(view, programme_access(view, COMMISSIONER, self.programme_id))


@pytest.fixture
def world(app: Corral, views: Views) -> World:
    m2 = Milestone("M2", "Milestone M2", Q2, date(2014, 10, 31))
    agreed = agreed_scheme(app, narrative_milestone("M1"), flu_milestone("FLU1"), m2, flu_milestone("FLU2", Q2))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()), (ACUTE, "FLU1", figures(70, 100)))
    for code, status in (("M1", AssessmentStatus.MET), ("FLU1", AssessmentStatus.PARTIALLY_MET)):
        app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, code, status, "On the pack.")
    return World(app, views, str(agreed.programme_id), str(agreed.scheme_id))


def earned(found: Forecast, provider_id: UUID, quarter: Quarter, scenario: Scenario | None = None) -> Decimal:
    outlook = found.by_provider[str(provider_id)].by_quarter[quarter]
    return (outlook.actual if scenario is None else outlook.scenarios[scenario]).earned


def test_given_acutes_q1_assessed_when_forecast_then_each_scenario_prices_its_q2_by_hand(world: World) -> None:
    found = world.forecast()

    acute = found.by_provider[str(ACUTE_ID)]
    assert acute.so_far == Decimal("0.75")
    assert earned(found, ACUTE_ID, Q2) == 0
    assert earned(found, ACUTE_ID, Q2, ALL_MET) == Decimal(1_250_000)
    assert earned(found, ACUTE_ID, Q2, NONE_MET) == 0
    assert earned(found, ACUTE_ID, Q2, SO_FAR) == Decimal(937_500)  # 0.75 of both
    # FLU2 carries FLU1's 70 of 100 (0.5): 312,500; M2 at the achievement so far: 468,750.
    assert earned(found, ACUTE_ID, Q2, CARRIED) == Decimal(781_250)
    assert acute.by_quarter[Q2].scenarios[NONE_MET].available == Decimal(1_250_000)
    assert acute.by_quarter[Q2].scenarios[ALL_MET].at_risk == 0 and acute.by_quarter[Q2].actual.at_risk == 1_250_000


def test_given_assessed_milestones_when_forecast_then_no_scenario_changes_them(world: World) -> None:
    found = world.forecast()

    assert {earned(found, ACUTE_ID, Q1, s) for s in Scenario} == {earned(found, ACUTE_ID, Q1)} == {Decimal(937_500)}


def test_given_nothing_assessed_when_forecast_so_far_then_its_milestones_stay_at_risk(world: World) -> None:
    found = world.forecast()

    community = found.by_provider[str(COMMUNITY_ID)]
    assert community.so_far is None
    for scenario in (SO_FAR, CARRIED):
        assert community.total.scenarios[scenario].earned == 0
        assert community.total.scenarios[scenario].at_risk == Decimal(2_500_000)
    assert community.total.scenarios[ALL_MET].earned == Decimal(2_500_000)
    assert community.total.scenarios[NONE_MET].available == Decimal(2_500_000)


def test_given_figures_submitted_for_a_remaining_milestone_when_forecast_then_its_own_figures_are_carried(
    world: World,
) -> None:
    world.app.submit_evidence(COMMUNITY, UUID(world.scheme_id), "FLU2", figures(75, 100))

    found = world.forecast()

    # 75% is three quarters of the way from 60% to 80%: 0.75 x 625,000; the rest, nothing assessed, at risk.
    assert earned(found, COMMUNITY_ID, Q2, CARRIED) == Decimal(468_750)
    assert found.by_provider[str(COMMUNITY_ID)].by_quarter[Q2].scenarios[CARRIED].at_risk == Decimal(625_000)


def test_given_a_closed_quarter_when_forecast_then_every_scenario_keeps_its_money(app: Corral, views: Views) -> None:
    scheme_id = flu_closed(app)  # ACUTE alone, its one milestone Partially Met at 70% and Q1 closed
    view = views.caught_up(app).progress
    programme_id = load_progress(view, scheme_id=str(scheme_id))[0].programme_id

    found = forecast_for(view, programme_access(view, COMMISSIONER, programme_id))

    outlook = found.by_provider[str(ACUTE_ID)].total
    assert {outlook.scenarios[s] for s in Scenario} == {outlook.actual}
    assert outlook.actual.earned == Decimal(1_250_000)


def test_given_hypotheses_when_asked_what_if_then_the_money_moves_by_hand_and_nothing_else(world: World) -> None:
    view = world.views.caught_up(world.app).progress
    rows = load_progress(view, programme_id=world.programme_id)
    suppose = [
        Supposition(str(ACUTE_ID), world.scheme_id, "M2", "Partially Met"),
        Supposition(str(ACUTE_ID), world.scheme_id, "FLU2", numerator=Decimal(75), denominator=Decimal(100)),
        Supposition(str(ACUTE_ID), world.scheme_id, "FLU1", "Met", Decimal(80), Decimal(100)),
    ]

    answer = what_if(view, world.programme_id, rows, suppose)

    [acute] = answer.providers
    # M2 earns half (312,500), FLU2 three quarters (468,750); FLU1 from half to all (+312,500).
    assert acute.total.change.earned == Decimal(1_093_750)
    assert acute.total.change.at_risk == Decimal(-1_250_000)
    assert {(c.quarter, c.money.change.earned) for c in acute.cells} == {(Q1, Decimal(312_500)), (Q2, Decimal(781_250))}


def test_given_a_closed_quarter_when_asked_what_if_then_it_is_refused_naming_it(app: Corral, views: Views) -> None:
    scheme_id = flu_closed(app)
    view = views.caught_up(app).progress
    rows = load_progress(view, scheme_id=str(scheme_id))

    with pytest.raises(InvalidInputError) as refused:
        what_if(view, rows[0].programme_id, rows, [Supposition(str(ACUTE_ID), str(scheme_id), "FLU", "Met")])

    assert refused.value.field == "changes.0.milestone_code"
    assert "Q1 of Reduce self-harm and suicide is closed" in str(refused.value)


def test_given_figures_recorded_before_the_limits_when_read_then_they_are_unknown() -> None:
    assert recorded_figures(Decimal(5), Decimal(0)) is None
    assert recorded_figures(Decimal(7), Decimal(5)) is None
    assert recorded_figures(Decimal("NaN"), None) is None
    assert recorded_figures(Decimal(3), Decimal(4)) is not None


def test_given_an_earlier_milestone_measuring_something_else_when_figures_are_carried_then_none_are(
    world: World,
) -> None:
    other = NumericMeasure("patients screened", "patients admitted", Decimal("0.80"), Decimal("0.95"))
    screened = Milestone("SCREEN2", "Screening", Q2, date(2014, 10, 31), measure=other)
    scheme_id = scheme_agreed(
        world.app, UUID(world.programme_id), "SCREEN", terms(flu_milestone("FLU1"), screened), COMMUNITY_ID
    )
    world.app.submit_evidence(ACUTE, scheme_id, "FLU1", figures(80, 100))
    view = world.views.caught_up(world.app).progress
    rows = load_progress(view, programme_id=world.programme_id)

    shares = carried_shares(rows, measures(view, world.programme_id))

    # FLU2 carries FLU1's 70 of 100 in its own scheme; SCREEN2 measures screening, not flu uptake: nothing carried.
    assert shares[(str(ACUTE_ID), world.scheme_id, "FLU2")] == Decimal("0.5")
    assert (str(ACUTE_ID), str(scheme_id), "SCREEN2") not in shares
    # The unassessed FLU1 of the new scheme has figures of its own: 80 of 100 is all the way.
    assert shares[(str(ACUTE_ID), str(scheme_id), "FLU1")] == Decimal(1)
