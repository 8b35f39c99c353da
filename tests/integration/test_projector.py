"""The projector keeps the views up to date: read-your-writes, one active projector, surviving a dropped connection."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TypeVar

import psycopg2
import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.application import Corral
from domain.milestones import Quarter
from projections.maintenance import verify
from projections.progress.queries import load_progress
from projections.database import read_announcement
from projections.runner import Projector, catch_up
from projections.wakeups import Listening, Stopping
from tests.builders import ACUTE, ACUTE_ID, COMMUNITY, COMMUNITY_ID, narrative
from tests.conftest import POSTGRES_URL
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of

POSTGRES_ONLY = pytest.mark.parametrize(
    "settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

T = TypeVar("T")


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


@contextmanager
def running(projector: Projector) -> Iterator[Projector]:
    projector.start()
    try:
        yield projector
    finally:
        projector.stop()


def eventually(probe: Callable[[], T | None], timeout: float = 10.0) -> T:
    """The probe's first truthy answer, polling until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing within {timeout}s")
        time.sleep(0.02)


def head(app: Corral) -> int:
    return app.recorder.max_notification_id() or 0


def acute_status(views: Views, scheme_id: object) -> list[str]:
    rows = load_progress(views.progress, date(2014, 5, 1), scheme_id=str(scheme_id), provider_id=str(ACUTE_ID))
    return [r.status for r in rows]


def test_a_commands_position_is_in_every_view_once_the_projector_has_waited_for_it(app: Corral, views: Views) -> None:
    with running(Projector(app, views.projections)) as projector:
        agreed = agreed_scheme(app)

        recorded = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
        projector.wait(recorded.position, timeout=5)

        assert acute_status(views, agreed.scheme_id) == ["submitted"]
        assert all(position >= recorded.position for position in views.positions().values())

        recorded = app.accept_evidence(ACUTE, recorded.id)
        projector.wait(recorded.position, timeout=5)

        assert acute_status(views, agreed.scheme_id) == ["accepted by lead"]
        with pytest.raises(TimeoutError):
            projector.wait(recorded.position + 1, timeout=0.2)  # a position not yet in the log


def test_the_operator_is_told_of_the_first_catch_up_and_of_a_backlog_and_not_of_every_command_followed(
    app: Corral, views: Views, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="corral.projector")
    projector = Projector(app, views.projections, batch_size=3)
    agreed = agreed_scheme(app)
    projector.catch_up()  # the first: the scheme's set-up
    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
    projector.catch_up()  # one command followed
    for _ in range(3):
        app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1 is due")
    projector.catch_up()  # a backlog: a batch and more

    caught_up = [(r.levelno, r.getMessage()) for r in caplog.records if r.getMessage().startswith("caught up ")]
    assert [level for level, _ in caught_up] == [logging.INFO, logging.DEBUG, logging.INFO]
    assert ": 1 events in " in caught_up[1][1]


def test_a_view_rebuilt_behind_the_running_projectors_back_is_followed_from_its_own_position(
    app: Corral, views: Views, caplog: pytest.LogCaptureFixture
) -> None:
    with running(Projector(app, views.projections)) as projector:
        agreed = agreed_scheme(app)
        projector.wait(head(app), timeout=5)
        progress = views.progress
        progress.drop()  # as `corral projections rebuild` does from another process, before it catches up
        progress.create()

        recorded = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
        projector.wait(recorded.position, timeout=10)

        assert any("moved on since this batch began" in r.getMessage() for r in caplog.records)  # refused, then re-read
        assert acute_status(views, agreed.scheme_id) == ["submitted"]
        assert verify(app, views.database) == []


@POSTGRES_ONLY
def test_one_batch_of_every_view_announces_each_views_new_position_once_it_commits(app: Corral, views: Views) -> None:
    listening = Listening(views.database.url, views.database.views_channel)
    try:
        listening.acquire(Stopping())
        agreed_scheme(app)

        catch_up(app, views.projections)

        announced: dict[str, int] = {}
        deadline = time.monotonic() + 5
        while len(announced) < len(views.projections) and time.monotonic() < deadline:
            for _, payload in listening.wait(Stopping(), most=0.5):
                view, position = read_announcement(payload) or ("", 0)
                announced[view] = max(position, announced.get(view, 0))
    finally:
        listening.close()
    assert announced == {p.view.key: head(app) for p in views.projections}


@POSTGRES_ONLY
def test_of_two_projectors_on_one_store_one_is_active_and_the_other_takes_over_when_it_stops(
    app: Corral, settings: Settings, views: Views
) -> None:
    other_app = build_application(settings)
    try:
        with views_of(settings) as other_views:
            first, second = Projector(app, views.projections), Projector(other_app, other_views.projections)
            with running(first), running(second):
                eventually(lambda: first.active.is_set() or second.active.is_set())
                time.sleep(0.3)  # both have tried the lock by now
                assert [first.active.is_set(), second.active.is_set()].count(True) == 1
                active, standby = (first, second) if first.active.is_set() else (second, first)
                agreed = agreed_scheme(app)
                active.wait(head(app))

                active.stop()
                eventually(standby.active.is_set)
                recorded = other_app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
                standby.wait(recorded.position, timeout=5)

                assert not active.active.is_set()
                assert acute_status(views, agreed.scheme_id) == ["submitted"]
                assert verify(app, views.database) == []
    finally:
        other_app.close()


@contextmanager
def postgres_admin() -> Iterator[psycopg2.extensions.connection]:
    conn = psycopg2.connect(POSTGRES_URL.replace("postgresql+psycopg2://", "postgresql://"))
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


def listening_backend(admin: psycopg2.extensions.connection, app: Corral) -> int | None:
    """The server process that LISTENs on this store's channel for the active projector, if one does (the channel
    is named after the test's own schema)."""
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE query = %s",
            (f"LISTEN {app.recorder.channel_name}",),  # type: ignore[attr-defined]
        )
        rows = cursor.fetchall()
    assert len(rows) <= 1, rows
    return int(rows[0][0]) if rows else None


@POSTGRES_ONLY
def test_a_dropped_listen_connection_reconnects_without_losing_an_event(
    app: Corral, settings: Settings, views: Views
) -> None:
    with running(Projector(app, views.projections)) as projector, postgres_admin() as admin:
        agreed = agreed_scheme(app)
        projector.wait(head(app))
        dropped = eventually(lambda: listening_backend(admin, app))

        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", (dropped,))
        submitted = [app.submit_evidence(p, agreed.scheme_id, "M1", narrative()) for p in (ACUTE, COMMUNITY)]
        accepted = app.accept_evidence(ACUTE, submitted[0].id)
        projector.wait(accepted.position, timeout=10)

        assert acute_status(views, agreed.scheme_id) == ["accepted by lead"]
        assert eventually(lambda: listening_backend(admin, app) not in (None, dropped))
        assert projector.active.is_set()
        assert verify(app, views.database) == []

        nudged = app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Please send the audit")
        projector.wait(nudged.position, timeout=5)  # and it is listening again
