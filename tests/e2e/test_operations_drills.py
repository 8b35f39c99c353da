"""Operations drills on PostgreSQL: a lock held on the log makes a command wait no longer than the lock timeout and
answer 503 with Retry-After, writing nothing, and the same command succeeds once the lock is let go; with no
projector running, the servers stay ready, report how far the views lag in events and seconds, and still take
commands."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import ACUTE_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.conftest import _postgres_dsn
from tests.e2e.serving import client_of
from tests.integration.given import agreed_scheme
from tests.integration.read_models import views_of

pytestmark = pytest.mark.postgres

PASSWORD = "a long enough password"
LOCK_TIMEOUT = 1.0  # each drill's timeout, lock or statement


@dataclass
class Lead:
    """The scheme's lead, signed in to a server that runs no projector."""

    client: TestClient
    headers: dict[str, str]
    nudges: str

    def nudge(self, key: str | None = None) -> Any:
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        return self.client.post(
            self.nudges, json={"provider_id": str(COMMUNITY_ID), "message": "Q1 is due"}, headers=headers
        )

    def readiness(self) -> tuple[int, dict[str, Any]]:
        answer = self.client.get("/readyz")
        return answer.status_code, answer.json()


@pytest.fixture
def store(settings: Settings, tmp_path: Path) -> Settings:
    if settings.sqlite_path() is not None:
        pytest.skip("a drill of PostgreSQL's locks and of separate projector processes")
    return settings.model_copy(
        update={
            "secret_key": SecretStr("d" * 48),
            "attachments_dir": tmp_path / "files",
            "embedded_projector": False,
            "lock_timeout_seconds": LOCK_TIMEOUT,
        }
    )


@contextmanager
def lead_without_projector(settings: Settings) -> Iterator[Lead]:
    """An agreed scheme whose lead is alice, the views caught up by a projector that has since stopped."""
    app = build_application(settings)
    agreed = agreed_scheme(app)
    app.register_user(OPERATOR, "alice", ACUTE_ID, Role.PROVIDER, quick_hash(PASSWORD))
    with views_of(settings) as views:
        views.caught_up(app)
    app.close()
    with client_of(settings, raise_server_exceptions=False) as client:
        token = client.post("/api/v1/auth/token", data={"username": "alice", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        yield Lead(client, headers, f"/api/v1/schemes/{agreed.scheme_id}/quarters/Q1/nudges")


def log_head(settings: Settings) -> int:
    app = build_application(settings)
    try:
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


# The lock timeout cancels the wait (55P03); without one, the statement timeout does (57014): either is a 503.
TIMEOUTS = {"lock timeout": {}, "statement timeout": {"lock_timeout_seconds": 0.0, "statement_timeout_seconds": 1.0}}


@pytest.mark.parametrize("timeout", TIMEOUTS)
def test_a_lock_held_on_the_log_is_a_503_within_the_timeout_and_the_command_succeeds_once_it_is_let_go(
    store: Settings, timeout: str
) -> None:
    store = store.model_copy(update=TIMEOUTS[timeout])
    with lead_without_projector(store) as lead:
        before = log_head(store)
        holder = psycopg2.connect(_postgres_dsn())
        with holder.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {store.database_schema}.corral_events IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        refused = lead.nudge(key="nudge-during-lock")
        waited = time.monotonic() - started
        holder.rollback()
        holder.close()
        unchanged = log_head(store)
        again = lead.nudge(key="nudge-during-lock")

    assert refused.status_code == 503, refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert refused.headers["content-type"] == "application/problem+json"
    assert "database is unavailable" in refused.json()["detail"]
    assert LOCK_TIMEOUT <= waited < LOCK_TIMEOUT + 10  # it waited for the lock, then gave up: it never hangs
    assert unchanged == before  # nothing of the refused command was written
    assert again.status_code == 200, again.text
    assert again.json()["position"] > before


def test_with_no_projector_running_a_server_stays_ready_reports_a_growing_lag_and_takes_commands(
    store: Settings,
) -> None:
    with lead_without_projector(store) as lead:
        code, caught_up = lead.readiness()
        first = lead.nudge()
        _, behind = lead.readiness()
        time.sleep(1.5)
        second = lead.nudge()
        later_code, further = lead.readiness()

    assert (code, caught_up["status"]) == (200, "ready")
    assert {view["events"] for view in caught_up["views"].values()} == {0}
    assert first.status_code == 200 and second.status_code == 200  # commands work without a projector
    assert (later_code, further["status"], further["database"]) == (200, "ready", "ok")
    for name, view in further["views"].items():
        assert view["events"] > behind["views"][name]["events"] > 0
        assert view["seconds"] >= behind["views"][name]["seconds"] + 1.0
