"""A command returns its log position; a reader can wait, within a bound, until the views reach it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from api.storage.settings import Settings
from domain.application import Corral
from projections.runner import catch_up, wait_for
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


def test_a_reader_waits_until_views_projected_elsewhere_reach_the_commands_position(app: Corral, views: Views) -> None:
    agreed_scheme(app)
    position = app.recorder.max_notification_id() or 0
    projecting = threading.Timer(0.2, catch_up, args=(app, views.projections))
    projecting.start()

    wait_for(app.name, views.projections, position, timeout=10)

    projecting.join()
    assert all(p.view.position >= position for p in views.projections)


def test_waiting_for_a_position_the_views_never_reach_times_out(app: Corral, views: Views) -> None:
    agreed_scheme(app)

    with pytest.raises(TimeoutError):
        wait_for(app.name, views.projections, app.recorder.max_notification_id() or 0, timeout=0.2)
