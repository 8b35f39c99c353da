"""Reads cost what they show: a provider's dashboard runs as many statements on one connection whether the provider
is in one programme or in several, counted on the engine the views are read through (no timing)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import event

from api.storage.settings import Settings
from domain.application import Corral
from projections.progress.queries import provider_dashboard, work_queue
from projections.progress.view import ProgressView
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY_ID, PRIVATE_ID
from tests.integration.given import accepted, agreed_scheme, drafted_with_lead, provider_terms, signed_by_everyone
from tests.integration.read_models import Views, views_of


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


@dataclass
class Counted:
    """The statements run and the connections checked out of the pool while counting."""

    statements: int = 0
    checkouts: int = 0


@contextmanager
def counting(view: ProgressView) -> Iterator[Counted]:
    """Count what the views' read engine runs inside the block."""
    counted, engine = Counted(), view.database.reads

    def statement(*_: Any) -> None:
        counted.statements += 1

    def checkout(*_: Any) -> None:
        counted.checkouts += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine.pool, "checkout", checkout)


def another_programme(app: Corral, health_economy: str) -> UUID:
    """A further programme the three providers have joined, with one agreed scheme and ACUTE's evidence accepted."""
    programme_id = app.set_up_programme(COMMISSIONER, health_economy, 2014).id
    for provider_id in (ACUTE_ID, COMMUNITY_ID, PRIVATE_ID):
        app.join_programme(COMMISSIONER, programme_id, provider_terms(provider_id))
    scheme_id = drafted_with_lead(app, programme_id)
    signed_by_everyone(app, scheme_id)
    accepted(app, scheme_id, ACUTE, "M1")
    return programme_id


def dashboard_read(app: Corral, views: Views) -> tuple[Counted, int]:
    """The statements and checkouts of one read of ACUTE's dashboard, and how many programmes it showed."""
    progress = views.caught_up(app).progress
    provider_dashboard(progress, str(ACUTE_ID))  # a first read warms what the engine caches (e.g. its dialect's)
    with counting(progress) as counted:
        shown = provider_dashboard(progress, str(ACUTE_ID))
    assert all(d.milestones and d.money.at_risk for d in shown)
    return counted, len(shown)


def queue_read(app: Corral, views: Views) -> tuple[Counted, int]:
    """The statements of one read of ACUTE's work queue (its home page's), and how many items it held."""
    progress = views.caught_up(app).progress
    work_queue(progress, ACUTE)
    with counting(progress) as counted:
        queue = work_queue(progress, ACUTE)
    return counted, queue.count


def in_one_programme_then_four(
    app: Corral, views: Views, read: Callable[[Corral, Views], tuple[Counted, int]]
) -> tuple[tuple[Counted, int], tuple[Counted, int]]:
    """The read with ACUTE in one programme, then again once it is in three more."""
    agreed = agreed_scheme(app)
    accepted(app, agreed.scheme_id, ACUTE, "M1")
    in_one = read(app, views)
    for name in ("North Devon", "Plymouth", "Exeter"):
        another_programme(app, name)
    return in_one, read(app, views)


def test_a_providers_dashboard_runs_as_many_statements_for_four_programmes_as_for_one(
    app: Corral, views: Views
) -> None:
    (in_one, shown_in_one), (in_four, shown_in_four) = in_one_programme_then_four(app, views, dashboard_read)

    assert (shown_in_one, shown_in_four) == (1, 4)
    assert in_four.statements == in_one.statements
    assert in_four.checkouts == in_one.checkouts == 1


def test_a_providers_work_queue_runs_as_many_statements_for_four_programmes_as_for_one(
    app: Corral, views: Views
) -> None:
    (in_one, items_in_one), (in_four, items_in_four) = in_one_programme_then_four(app, views, queue_read)

    assert items_in_four > items_in_one
    assert in_four.statements == in_one.statements
