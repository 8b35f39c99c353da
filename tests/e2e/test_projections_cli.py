"""`corral projections ...` and `corral projector` as an operator runs them, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from api.cli.demo import SCENARIOS
from api.storage.settings import Settings
from api.storage.wiring import build_application
from bench.faults import view_positions
from domain import ids
from domain.milestones import Quarter
from projections.database import ViewDatabase
from projections.registry import build_projections
from projections.runner import Projector
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER_ID, COMMUNITY_ID
from tests.integration.given import CONTRACT_YEAR, HEALTH_ECONOMY, SCHEME_CODE, agreed_scheme
from tests.legacy import undecodable_event

CORRAL = Path(sys.executable).parent / "corral"
SCHEME_ID = ids.scheme_id(ids.programme_id(COMMISSIONER_ID, HEALTH_ECONOMY, CONTRACT_YEAR), SCHEME_CODE)
VIEW_NAMES = [p.view.name for p in build_projections(ViewDatabase("sqlite://"))]


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    """The environment that points `corral` at this test's store."""
    store = {"CORRAL_DATABASE_URL": settings.database_url, "COLUMNS": "200"}
    if settings.database_schema:
        store["CORRAL_DATABASE_SCHEMA"] = settings.database_schema
    return {**os.environ, **store}


@pytest.fixture
def corral(env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CORRAL), *args], env=env, capture_output=True, text=True, timeout=120)

    return run


def test_the_demo_then_verify_exits_zero(env: dict[str, str]) -> None:
    done = subprocess.run(
        f'"{CORRAL}" demo && "{CORRAL}" projections verify',
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("loaded:") == len(SCENARIOS)
    assert "every view equals a fresh rebuild" in done.stdout


def grow_log(settings: Settings, nudges: int) -> int:
    """A scheme (the first time) and `nudges` more reminders from its lead, saved through the application
    500 events a save so the log grows fast; returns the head of the log."""
    app = build_application(settings)
    try:
        if not app.recorder.max_notification_id():
            agreed_scheme(app)
            app.nudge_provider(ACUTE, SCHEME_ID, Quarter.Q1, COMMUNITY_ID, "Your evidence is due")
        for start in range(0, nudges, 500):
            review = app.quarter_review(SCHEME_ID, Quarter.Q1)
            for n in range(start, min(start + 500, nudges)):
                review.nudge(ACUTE, ACUTE_ID, COMMUNITY_ID, f"Reminder {n}: your evidence is due")
            app.save(review)
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


def kill_rebuild_midway(env: dict[str, str], database: ViewDatabase, head: int) -> dict[str, int | None] | None:
    """Start `corral projections rebuild`, SIGKILL it once a view is part way through the log again (its position
    moved from where the last run left it, short of the head: nothing else projects meanwhile); the positions it
    left, or None if the rebuild finished first."""
    before = view_positions(database)
    rebuild = subprocess.Popen(
        [str(CORRAL), "projections", "rebuild"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        while rebuild.poll() is None:
            positions = view_positions(database)
            if any(0 < (p or 0) < head and p != before[name] for name, p in positions.items()):
                rebuild.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        _, errors = rebuild.communicate(timeout=60)
    assert rebuild.returncode in (0, -signal.SIGKILL), errors
    if rebuild.returncode == 0:
        return None
    left = view_positions(database)
    return left if any(0 < (p or 0) < head for p in left.values()) else None


def test_a_rebuild_killed_midway_is_finished_by_the_restarted_projector_and_verifies(
    settings: Settings, env: dict[str, str], corral: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    database = ViewDatabase(settings.database_url, settings.database_schema)
    try:
        for nudges in (1200, 2400, 4800, 9600):  # a longer log until a rebuild is caught part way
            head = grow_log(settings, nudges)
            killed_at = kill_rebuild_midway(env, database, head)
            if killed_at is not None:
                break
        else:
            pytest.fail("every rebuild finished before it could be killed part way")

        app = build_application(settings)
        try:
            projector = Projector(app, build_projections(database)).start()
            try:
                projector.wait(head, timeout=60)
            finally:
                projector.stop()
        finally:
            app.close()
    finally:
        database.close()

    verified = corral("projections", "verify")
    shown = corral("projections", "status")

    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "every view equals a fresh rebuild" in verified.stdout
    assert shown.returncode == 0, shown.stderr
    for name in VIEW_NAMES:
        row = re.search(rf"{name}\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)", shown.stdout)
        assert row is not None, shown.stdout
        assert (int(row[1]), int(row[2]), int(row[3])) == (head, head, 0)


def test_status_exits_non_zero_while_a_view_is_behind_or_stuck_and_names_the_position_and_event_type(
    settings: Settings, corral: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    app = build_application(settings)
    try:
        agreed_scheme(app)
        behind = corral("projections", "status")
        retired = undecodable_event(app, "domain.retired:Retired.Happened")
        app.nudge_provider(ACUTE, SCHEME_ID, Quarter.Q1, COMMUNITY_ID, "Your evidence is due")
        head = app.recorder.max_notification_id()
    finally:
        app.close()

    rebuilt = corral("projections", "rebuild")
    stuck = corral("projections", "status")

    assert behind.returncode == 1, behind.stdout + behind.stderr
    assert rebuilt.returncode == 3, rebuilt.stdout + rebuilt.stderr
    for name in VIEW_NAMES:
        assert f"view {name} cannot apply position {retired} (Retired.Happened)" in rebuilt.stdout
    assert stuck.returncode == 3, stuck.stdout + stuck.stderr
    for name in VIEW_NAMES:
        row = re.search(
            rf"{name}\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*\S+\s*│\s*stuck at position (\d+) \((\S+)\)",
            stuck.stdout,
        )
        assert row is not None, stuck.stdout
        assert (int(row[1]), int(row[2]), int(row[4]), row[5]) == (retired - 1, head, retired, "Retired.Happened")
