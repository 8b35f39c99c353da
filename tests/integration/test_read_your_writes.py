"""A command returns its log position; a reader can wait, within a bound, until the views reach it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

from api.storage.settings import Settings
from domain.application import Corral
from projections.runner import catch_up, wait_for
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


@contextmanager
def reads_by_this_thread(engine: Engine) -> Iterator[list[str]]:
    """The statements this thread runs on `engine` during the block."""
    thread, statements = threading.current_thread(), []

    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if threading.current_thread() is thread:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


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


def test_a_reader_beside_the_projecting_thread_is_woken_by_its_commit_and_reads_no_tracking_row(
    app: Corral, views: Views
) -> None:
    agreed_scheme(app)
    position = app.recorder.max_notification_id() or 0
    projecting = threading.Timer(0.2, catch_up, args=(app, views.projections))
    projecting.start()
    started = time.monotonic()
    with reads_by_this_thread(views.database.reads) as reads:
        wait_for(app.name, views.projections, position, timeout=10, here=True)
    waited = time.monotonic() - started
    projecting.join()

    assert all(p.view.position >= position for p in views.projections)
    # each view looks once on starting its wait, as this process has committed none of it yet, then every 50 ms
    # meanwhile in case it is projected elsewhere after all: views committed later in the catch-up add a look each
    assert len(reads) <= waited / 0.05 + len(views.projections)
    with reads_by_this_thread(views.database.reads) as again:
        wait_for(app.name, views.projections, position, timeout=1)
    assert again == []  # committed by this process: known without a read


def test_a_reader_that_expects_to_project_still_sees_views_another_process_projected(
    app: Corral, settings: Settings, views: Views
) -> None:
    agreed_scheme(app)
    position = app.recorder.max_notification_id() or 0
    with views_of(settings) as elsewhere:  # another process's views: its commits wake nothing here
        projecting = threading.Timer(0.2, catch_up, args=(app, elsewhere.projections))
        projecting.start()

        wait_for(app.name, views.projections, position, timeout=10, here=True)

        projecting.join()
    assert all(p.view.position >= position for p in views.projections)
