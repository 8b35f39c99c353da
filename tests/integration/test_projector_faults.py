"""A view that cannot apply an event stops before it, loudly: the projector logs the position and the event type,
`corral projections status` and `/readyz` report it, no event is skipped, and once the cause is gone the view
moves on and the fault clears. The other views carry on meanwhile."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from api.cli import main as cli
from api.main import create_app
from api.storage.settings import Settings
from domain.application import Corral
from domain.milestones import Quarter
from domain.quarter_review import QuarterReview
from projections import maintenance
from projections.audit import AuditProjection
from projections.faults import ViewsStuckError, read_faults
from projections.progress.queries import collation_board
from projections.progress.projection import ProgressProjection
from projections.progress.view import ProgressView
from projections.runner import Backoff, Projector, catch_up
from tests.builders import ACUTE, COMMUNITY, COMMUNITY_ID, narrative
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of
from tests.integration.test_projector import eventually, head, running
from tests.legacy import undecodable_event

PROGRESS = ProgressView.name

NUDGED = "QuarterReview.ProviderNudgedByLead"


class RefusingNudges(ProgressProjection):
    """The progress projection with a fault: it cannot apply a nudge while `refusing` is set."""

    def __init__(self, view: ProgressView) -> None:
        super().__init__(view)
        self.refusing = threading.Event()
        self.refusing.set()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        if self.refusing.is_set() and isinstance(domain_event, QuarterReview.ProviderNudgedByLead):
            raise ValueError("a nudge cannot be applied")
        super().process_event(domain_event, tracking)


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


@pytest.fixture
def status_command(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`corral projections status` run in this process against the test's store: its exit code."""
    monkeypatch.setenv("CORRAL_DATABASE_URL", settings.database_url)
    if settings.database_schema:
        monkeypatch.setenv("CORRAL_DATABASE_SCHEMA", settings.database_schema)
    yield lambda: cli.main(["projections", "status"])


def readiness(settings: Settings) -> tuple[int, dict[str, Any]]:
    with TestClient(create_app(settings.model_copy(update={"embedded_projector": False}))) as client:
        answer = client.get("/readyz")
    return answer.status_code, answer.json()


def errors_naming(caplog: pytest.LogCaptureFixture, *words: str) -> list[str]:
    messages = [r.getMessage() for r in caplog.records if r.name == "corral.projector" and r.levelno == logging.ERROR]
    return [m for m in messages if all(word in m for word in words)]


def test_a_view_that_cannot_apply_an_event_stays_before_it_and_says_so_until_the_cause_is_gone(
    app: Corral, settings: Settings, views: Views, caplog: pytest.LogCaptureFixture, status_command: Any
) -> None:
    agreed = agreed_scheme(app)
    progress = RefusingNudges(ProgressView(views.database))
    audit = next(p for p in views.projections if isinstance(p, AuditProjection))
    others = [p for p in views.projections if not isinstance(p, ProgressProjection)]  # every other view runs as usual
    projector = Projector(app, [progress, *others], fault_backoff=Backoff(0.05, 0.2))
    with running(projector):
        projector.wait(head(app), timeout=10)

        nudged = app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due").position
        after = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).position
        audit.view.wait(app.name, after, timeout=10)  # the other view carries on
        eventually(lambda: errors_naming(caplog, PROGRESS, f"position {nudged}", NUDGED))
        time.sleep(1.0)

        logged = errors_naming(caplog, PROGRESS, f"position {nudged}", NUDGED, "ValueError: a nudge cannot")
        assert 2 <= len(logged) <= 15  # it tries again, after a back-off: it never spins
        assert progress.view.position == nudged - 1  # the review's opening, recorded with the nudge, is applied
        stuck, caught_up = maintenance.status(app, [progress, audit])
        assert stuck.fault is not None and (stuck.fault.position, stuck.fault.event_type) == (nudged, NUDGED)
        assert "ValueError: a nudge cannot be applied" in stuck.fault.error
        assert (caught_up.lag, caught_up.fault) == (0, None)
        assert status_command() == cli.STUCK
        code, body = readiness(settings)
        assert (code, body["status"]) == (200, "ready")  # the servers still serve: a stuck view does not stop them
        assert body["views"][PROGRESS]["stuck"]["position"] == nudged
        assert body["views"][PROGRESS]["stuck"]["event_type"] == NUDGED
        assert body["views"][audit.view.name]["stuck"] is None
        assert "ValueError" not in str(body)  # the error may quote what an organisation wrote: not for everyone

        progress.refusing.clear()  # a fix is deployed
        projector.wait(after, timeout=10)

        assert read_faults(views.database, [PROGRESS, "audit_v3"]) == {}
        assert [row.fault for row in maintenance.status(app, [progress, audit])] == [None, None]
        assert status_command() == 0
        assert readiness(settings)[1]["views"][PROGRESS] == {"events": 0, "seconds": 0.0, "stuck": None}
        board = collation_board(views.progress, str(agreed.scheme_id), Quarter.Q1, date(2014, 6, 1))
        assert [n.message for p in board.participants for n in p.nudges] == ["Your evidence is due"]  # not skipped
        assert [p.milestones[0].status for p in board.participants if p.provider_id == str(COMMUNITY_ID)] == [
            "submitted"
        ]
        assert maintenance.verify(app, views.database) == []


def test_an_event_no_code_can_decode_any_longer_stops_every_view_before_it_by_position_and_type(
    app: Corral, views: Views, status_command: Any
) -> None:
    agreed = agreed_scheme(app)
    retired = undecodable_event(app, "domain.retired:Retired.Happened")
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due")

    with pytest.raises(ViewsStuckError) as first:
        catch_up(app, views.projections)
    with pytest.raises(ViewsStuckError) as again:
        catch_up(app, views.projections)

    faults = {(f.view, f.position, f.event_type) for f in first.value.faults}
    assert faults == {(p.view.name, retired, "Retired.Happened") for p in views.projections}
    assert [f.first_seen for f in again.value.faults] == [f.first_seen for f in first.value.faults]
    assert set(views.positions().values()) == {retired - 1}
    assert all(
        s.fault is not None and "cannot be decoded" in s.fault.error for s in maintenance.status(app, views.projections)
    )
    assert status_command() == cli.STUCK


def test_status_exits_non_zero_while_a_view_is_behind_and_zero_once_every_view_is_at_the_head(
    app: Corral, views: Views, status_command: Any
) -> None:
    agreed_scheme(app)

    assert status_command() == cli.BEHIND
    catch_up(app, views.projections)
    assert status_command() == 0
