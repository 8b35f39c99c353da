"""Issue 19's check, on each database: the demo replayed under partial-60 differs from what it pays now by exactly
the figure worked out by hand, and the replay records no event and changes no view.

As the demo ships, every Partially Met milestone is either in a closed quarter (Q1: the Community Care Trust's, in
each of its schemes), whose values stay as they closed, or judged on its figures (Q2: the acute trust's nutrition at
92% on the 80%-95% scale), whose share no partial fraction changes: replaying it changes nothing. So the commissioner
first revises Devon Partnership's Q2 nutrition (97% screened) to Partially Met on appeal, departing from its figures,
which were not validated: an open, departed-from Partially Met milestone, the one the partial fraction prices."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from api.cli.demo import load_demo, south_devon
from api.cli.demo.play import staff
from api.storage.attachments import AttachmentStore
from api.storage.wiring import build_application
from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Role
from domain.application import Corral
from domain.milestones import Quarter
from domain.payment_rules import published
from domain.payments import pounds
from projections.progress.queries import every_programme, replay
from tests.conftest import DATABASES, empty_store
from tests.integration.read_models import SDT_PROGRAMME, Views, views_of

COMMISSIONER = staff(south_devon.CCG, Role.COMMISSIONER)
DPT = south_devon.MENTAL_HEALTH
UNVALIDATED = "The screening audit was not signed off by the ward managers: its figures are not validated."


@pytest.fixture(params=DATABASES)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Corral, Views]]:
    """The demo, loaded into a store of its own on each database (the test adds an appeal to it)."""
    with empty_store(request, tmp_path_factory.mktemp("replay-demo")) as settings:
        app = build_application(settings)
        load_demo(app, AttachmentStore.of(settings))
        with views_of(settings) as views:
            yield app, views.caught_up(app)
        app.close()


def milestone_value(provider: str) -> Decimal:
    """One of a provider's quarterly milestones, worked out from the demo's terms: its contract value x the demo's
    CQUIN rate (2.5%), split equally over the schemes it takes part in, then over the milestones of each that apply
    to it (one a quarter)."""
    contract_value = Decimal(next(value for code, _, _, value in south_devon.ORGANISATIONS if code == provider) or 0)
    schemes = [code for code, _, _, participants, _ in south_devon.SCHEMES if provider in participants]
    return contract_value * Decimal("0.025") / len(schemes) / len(Quarter)


def dpt_nutrition_milestone_value() -> Decimal:
    """Devon Partnership's Q2 nutrition milestone."""
    return milestone_value(DPT)


def departed_from_the_figures(app: Corral) -> None:
    """The commissioner revises Devon Partnership's Q2 nutrition (97% screened, Met by its figures) to Partially Met on
    appeal, departing from figures not yet validated."""
    nutrition = ids.scheme_id(
        ids.programme_id(COMMISSIONER.organisation_id, south_devon.HEALTH_ECONOMY, 2014), "NUTRITION"
    )
    app.revise_assessment(
        COMMISSIONER,
        nutrition,
        Quarter.Q2,
        ids.organisation_id(DPT),
        "Q2",
        AssessmentStatus.PARTIALLY_MET,
        "Most patients screened, on figures yet to be validated.",
        "Devon Partnership asked for the audit to count; the figures await validation.",
        override_reason=UNVALIDATED,
    )


def test_replaying_the_demo_under_partial_60_differs_by_a_tenth_of_each_open_departed_partially_met_milestone(
    demo: tuple[Corral, Views],
) -> None:
    app, views = demo
    programmes = [p.id for p in every_programme(views.progress)]
    as_shipped = sum((replay(views.progress, p, published("partial-60")).change.earned for p in programmes), Decimal(0))
    departed_from_the_figures(app)
    views.caught_up(app)
    events, rows = app.recorder.max_notification_id(), views.rows()

    replayed = {p: replay(views.progress, p, published("partial-60")) for p in programmes}

    value = dpt_nutrition_milestone_value()
    assert value == Decimal("78125")  # 75,000,000 x 2.5% / 6 schemes / 4 quarters
    assert len(programmes) == 5 and SDT_PROGRAMME in programmes
    assert as_shipped == 0
    assert sum((r.change.earned for r in replayed.values()), Decimal(0)) == value * (Decimal("0.6") - Decimal("0.5"))
    changed = [
        (d.provider_id, d.scheme.code, d.quarter, d.closed)
        for d in replayed[SDT_PROGRAMME].differences
        if d.change.earned
    ]
    assert changed == [(str(ids.organisation_id(DPT)), "NUTRITION", Quarter.Q2, False)]
    assert (app.recorder.max_notification_id(), views.rows()) == (events, rows)  # the replay recorded nothing


def test_replayed_all_year_the_demo_under_partial_60_reprices_the_closed_quarters_partially_met_milestones_too(
    demo: tuple[Corral, Views],
) -> None:
    _, views = demo

    replayed = replay(views.progress, SDT_PROGRAMME, published("partial-60"))

    # The Community Care Trust's Q1 milestone in each of its six schemes closed Partially Met (one since restated,
    # which leaves the quarter's original figures as they closed): each would earn a tenth more of its value.
    value = milestone_value(south_devon.THIRD_SECTOR)
    assert value * 6 * 4 == Decimal(2_000_000) * Decimal("0.025")
    assert pounds(replayed.change_throughout.earned) == pounds(6 * value * (Decimal("0.6") - Decimal("0.5")))
    assert replayed.change.earned == 0  # adopting it now changes no closed quarter
    changed = {(d.provider_id, d.quarter, d.closed) for d in replayed.differences if d.change_throughout.earned}
    assert changed == {(str(ids.organisation_id(south_devon.THIRD_SECTOR)), Quarter.Q1, True)}
