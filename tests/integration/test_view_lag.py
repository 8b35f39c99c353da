"""How far behind the views are, in events and in seconds: what an operator's readiness check and metrics report."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from api.storage.settings import Settings
from domain.application import Corral
from domain.milestones import Quarter
from projections import maintenance
from projections.runner import catch_up
from tests.builders import ACUTE, COMMUNITY_ID
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


def test_views_caught_up_with_the_log_lag_by_nothing(app: Corral, views: Views) -> None:
    agreed_scheme(app)
    catch_up(app, views.projections)

    statuses = maintenance.status(app, views.projections)

    assert {(row.lag, row.lag_seconds) for row in statuses} == {(0, 0.0)}


def test_views_behind_the_log_say_how_long_the_oldest_waiting_event_has_waited(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)
    catch_up(app, views.projections)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due")
    time.sleep(0.5)

    statuses = maintenance.status(app, views.projections)

    assert all(row.lag >= 1 for row in statuses)
    assert all(row.lag_seconds is not None and 0.5 <= row.lag_seconds < 120 for row in statuses)
