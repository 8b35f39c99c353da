"""A view decodes and applies only the events it handles, yet its position moves past the rest to the log's head;
an event it handles that lands later is applied once, whether its own handler or its default one acts on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from api.storage.settings import Settings
from domain.actors import Role
from domain.application import Corral
from domain.milestones import Quarter
from projections.accounts.view import AccountsView
from projections.audit.view import AuditView
from projections.maintenance import rebuild, status, verify
from projections.projection import ViewProjection
from projections.runner import Projector, catch_up
from tests.builders import ACUTE, COMMUNITY, COMMUNITY_ID, OPERATOR
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of
from tests.integration.test_projector import head, running

SIGNED = "domain.scheme:Scheme.Signed"
UNKNOWN = "domain.retired:Retired.Happened"


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


def accounts_of(views: Views) -> ViewProjection[AccountsView]:
    return next(p for p in views.projections if isinstance(p.view, AccountsView))


def colins_account(views: Views) -> list[tuple[Any, ...]]:
    accounts = accounts_of(views).view.accounts
    with views.database.engine.connect() as conn:
        query = select(accounts.c.version, accounts.c.change).where(accounts.c.username == "colin")
        return [tuple(row) for row in conn.execute(query)]


def test_which_events_each_view_handles(views: Views) -> None:
    handling = {p.view.name: (p.handles(SIGNED), p.handles(UNKNOWN)) for p in views.projections}

    assert handling["audit_v3"] == (True, True)  # a row for every event
    assert handling["progress_v5"] == (False, True)  # a signature changes no progress; an unknown event stops all
    assert handling["accounts_v2"] == (False, True)


def test_a_view_that_handles_none_of_the_log_still_reaches_its_head_and_shows_no_lag(app: Corral, views: Views) -> None:
    agreed_scheme(app)
    accounts = accounts_of(views)

    reached = catch_up(app, accounts)

    assert reached == accounts.view.position == head(app)
    assert [(row.position, row.lag) for row in status(app, [accounts])] == [(head(app), 0)]
    assert colins_account(views) == []


def test_events_a_view_handles_that_land_after_ones_it_skipped_are_applied_once_live(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)
    views.caught_up(app)

    with running(Projector(app, views.projections)) as projector:
        app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash", "Colin Hart", "colin@example.nhs.uk")
        app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due")
        app.choose_email(COMMUNITY, "daily")  # only the accounts view's default handler acts on it
        app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Still due")
        projector.wait(head(app), timeout=10)

    assert set(views.positions().values()) == {head(app)}
    assert colins_account(views) == [(2, "Account opened")]  # the choice moved the version, once
    assert verify(app, views.database) == []


def test_views_rebuilt_together_equal_views_rebuilt_one_by_one(app: Corral, views: Views) -> None:
    agreed_scheme(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash", "Colin Hart", "colin@example.nhs.uk")
    app.choose_email(COMMUNITY, "daily")
    for projection in views.projections:
        rebuild(app, projection)
    one_by_one = views.rows()

    reached = rebuild(app, views.projections)

    assert reached == head(app)
    assert views.rows() == one_by_one
    assert _audit_rows(views) == head(app)


def _audit_rows(views: Views) -> int:
    events = next(p.view for p in views.projections if isinstance(p.view, AuditView)).events
    with views.database.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())
