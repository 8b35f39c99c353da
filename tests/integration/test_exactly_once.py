"""Each event changes every view exactly once: catching up again, replaying a position, verify and rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from sqlalchemy import and_, event, select, update

from api.cli.demo.south_devon import COMMUNITY
from api.storage.settings import Settings
from domain import ids
from domain.application import Corral
from domain.submission import Submission
from projections.database import ViewDatabase
from projections.maintenance import rebuild, status, verify
from projections.runner import catch_up
from tests.builders import ACUTE, COMMUNITY as COMMUNITY_ACTOR, narrative
from tests.conftest import DATABASES
from tests.integration.given import agreed_scheme
from tests.integration.read_models import (
    SDT_PROGRAMME_ID,
    DemoStore,
    sdt_provider,
    sdt_scheme,
    shared_demo_store,
    views_of,
)


@pytest.fixture(scope="module", params=DATABASES)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    yield shared_demo_store(request, tmp_path_factory)


def returned_submission_event(app: Corral) -> tuple[int, Any]:
    """The position and event of TSDHCT's self-harm Q2 submission, which the lead later returned."""
    submission_id = ids.submission_id(
        ids.scheme_id(SDT_PROGRAMME_ID, "SELF-HARM"), "Q2", ids.organisation_id(COMMUNITY)
    )
    for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
        event = app.mapper.to_domain_event(notification)
        if isinstance(event, Submission.EvidenceSubmitted) and event.originator_id == submission_id:
            return notification.id, event
    raise AssertionError("the demo has no self-harm Q2 submission from TSDHCT")


def test_catching_up_a_second_time_changes_no_row_of_any_view(demo: DemoStore) -> None:
    head = demo.app.recorder.max_notification_id()
    before = demo.views.rows()

    reached = [catch_up(demo.app, projection) for projection in demo.views.projections]

    assert reached == [head] * len(demo.views.projections)
    assert demo.views.rows() == before


def test_replaying_an_applied_position_in_a_batch_raises_and_rolls_back_every_view(demo: DemoStore) -> None:
    position, event = returned_submission_event(demo.app)
    head = demo.app.recorder.max_notification_id()
    assert head is not None and position < head
    before = demo.views.rows()

    for projection in demo.views.projections:
        for replayed in (position, head):
            with pytest.raises(IntegrityError):
                with projection.view.batch():
                    tracking = Tracking(demo.app.name, replayed)
                    projection.process_event(event, tracking)
                    projection.view.insert_tracking(tracking)

    assert demo.views.rows() == before
    progress = demo.views.progress.progress
    with demo.views.database.engine.connect() as conn:
        state = conn.execute(
            select(progress.c.state).where(
                and_(
                    progress.c.scheme_id == sdt_scheme("SELF-HARM"),
                    progress.c.provider_id == sdt_provider(COMMUNITY),
                    progress.c.milestone_code == "Q2",
                )
            )
        ).scalar_one()
    assert state == "returned"  # not "submitted", which replaying the submission would have written


def test_advancing_the_tracking_alone_to_an_applied_position_raises(demo: DemoStore) -> None:
    head = demo.app.recorder.max_notification_id()
    assert head is not None
    before = demo.views.rows()

    for projection in demo.views.projections:
        with pytest.raises(IntegrityError):
            with projection.view.batch():
                projection.view.insert_tracking(Tracking(demo.app.name, head - 1))

    assert demo.views.rows() == before


def test_a_batch_from_a_position_read_before_another_writer_moved_it_raises_and_changes_nothing(
    demo: DemoStore,
) -> None:
    head = demo.app.recorder.max_notification_id()
    assert head is not None
    before = demo.views.rows()

    for projection in demo.views.projections:
        with pytest.raises(IntegrityError, match="moved on"):
            with projection.view.batch(start=head - 1):  # as the projector read it, before the other writer
                projection.view.insert_tracking(Tracking(demo.app.name, head + 1))

    assert demo.views.rows() == before
    assert set(demo.views.database.positions(p.view.key for p in demo.views.projections).values()) == {head}


def test_every_view_after_the_demo_equals_a_fresh_rebuild(demo: DemoStore) -> None:
    assert verify(demo.app, demo.views.database) == []
    assert {s.lag for s in status(demo.app, demo.views.projections)} == {0}


def test_verify_finds_a_tampered_progress_row_and_a_rebuild_puts_it_right(demo: DemoStore) -> None:
    app, views = demo.app, demo.views
    progress_projection = next(p for p in views.projections if p.view is views.progress)
    table = views.progress.progress
    head = app.recorder.max_notification_id()
    before = views.rows()
    try:
        with views.database.transaction() as conn:
            conn.execute(
                update(table)
                .where(
                    table.c.scheme_id == sdt_scheme("SELF-HARM"),
                    table.c.provider_id == sdt_provider(COMMUNITY),
                    table.c.milestone_code == "Q2",
                )
                .values(state="accepted by lead", lead_comments=None)
            )

        differences = verify(app, views.database, "progress")

        assert differences == [f"{table.name} at position {head}: 1 row(s) missing or different, 1 unexpected"]
    finally:
        rebuilt_to = rebuild(app, progress_projection)

    assert rebuilt_to == head
    assert views.rows() == before


class Killed(Exception):
    """The process died here."""


@contextmanager
def dying_as_the_position_is_forgotten(database: ViewDatabase) -> Iterator[None]:
    """The process dies as it deletes a view's tracking row: after a rebuild's DROP TABLEs, before its CREATEs."""

    def die(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM") and database.tracking.name in statement:
            raise Killed

    event.listen(database.engine, "before_cursor_execute", die)
    try:
        yield
    finally:
        event.remove(database.engine, "before_cursor_execute", die)


def test_a_rebuild_killed_after_dropping_the_tables_is_completed_on_restart(app: Corral, settings: Settings) -> None:
    agreed = agreed_scheme(app)
    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
    app.submit_evidence(COMMUNITY_ACTOR, agreed.scheme_id, "M1", narrative())
    with views_of(settings) as views:
        views.caught_up(app)
        for projection in views.projections:
            with dying_as_the_position_is_forgotten(views.database), pytest.raises(Killed):
                rebuild(app, projection)

    with views_of(settings) as restarted:
        restarted.caught_up(app)

        assert verify(app, restarted.database) == []


def test_views_left_part_way_through_the_log_resume_from_their_own_positions(app: Corral, settings: Settings) -> None:
    agreed = agreed_scheme(app)
    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
    app.submit_evidence(COMMUNITY_ACTOR, agreed.scheme_id, "M1", narrative())
    head = app.recorder.max_notification_id()
    assert head is not None
    with views_of(settings) as views:
        views.caught_up(app)
        for projection in views.projections:
            projection.view.drop()
            projection.view.create()
            applied = catch_up(app, projection, until=head // 2, batch_size=3)
            assert 0 < applied < head

    with views_of(settings) as restarted:
        positions = restarted.positions()
        restarted.caught_up(app)

        assert all(0 < position < head for position in positions.values())
        assert verify(app, restarted.database) == []
        assert set(restarted.positions().values()) == {head}


def test_a_batch_of_every_view_moves_none_when_one_was_rebuilt_since_the_positions_were_read(
    app: Corral, settings: Settings
) -> None:
    agreed = agreed_scheme(app)
    with views_of(settings) as views:
        views.caught_up(app)
        read = views.database.positions(p.view.key for p in views.projections)
        app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
        views.progress.drop()  # another writer starts rebuilding progress: its position goes back to 0
        views.progress.create()
        before = views.rows()

        with pytest.raises(IntegrityError, match="moved on"):
            catch_up(app, views.projections, known=dict(read), faults={})

        assert views.rows() == before  # the other views' changes and positions were rolled back with progress's
        catch_up(app, views.projections)  # read afresh: each view from its own position
        assert verify(app, views.database) == []
