"""An HTTP request reads on one connection: its token's check against sign-outs, its access checks and every view it
shows share the one connection it checks out at its first read, which it gives back once it is answered."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import event

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from projections import follower
from projections.database import ViewDatabase
from tests.builders import ACUTE, ACUTE_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import accepted, agreed_scheme
from tests.integration.read_models import views_of

PASSWORD = "a long enough password"


@dataclass
class Served:
    client: TestClient
    database: ViewDatabase
    headers: dict[str, str]
    head: int

    def dashboard(self) -> list[Any]:
        answer = self.client.get(f"/api/v1/providers/{ACUTE_ID}/dashboard", headers=self.headers)
        assert answer.status_code == 200, answer.text
        shown: list[Any] = answer.json()
        return shown


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    """Alice of the acute trust, whose evidence for M1 was accepted, signed in to a server whose views hold it; no
    projector runs beside it, so the views' pools serve the requests alone. PostgreSQL only: on SQLite, where reads
    and writes share one pool, each read takes a connection of its own (projections/database.py `reading`)."""
    if settings.database_url.startswith("sqlite"):
        pytest.skip("on SQLite a request's reads are not shared")
    signed = settings.model_copy(update={"secret_key": SecretStr("r" * 48), "embedded_projector": False})
    app = build_application(signed)
    agreed = agreed_scheme(app)
    accepted(app, agreed.scheme_id, ACUTE, "M1")
    app.register_user(OPERATOR, "alice", ACUTE_ID, Role.PROVIDER, quick_hash(PASSWORD))
    head = app.recorder.max_notification_id() or 0
    with views_of(signed) as views:
        views.caught_up(app)
    app.close()
    with client_of(signed) as client:
        token = client.post("/api/v1/auth/token", data={"username": "alice", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        answer = client.get(f"/api/v1/providers/{ACUTE_ID}/dashboard", params={"after": head}, headers=headers)
        assert answer.status_code == 200, answer.text
        yield Served(client, client.app.state.view_database, headers, head)  # type: ignore[attr-defined]


@dataclass
class Counted:
    checkouts: int = 0
    checkins: int = 0
    statements: int = 0


@contextmanager
def counting(database: ViewDatabase) -> Iterator[Counted]:
    """The connections the requests check out of the read engine's pool and back in, and the statements they run on
    them, inside the block: not the live follower's, which reads the views' positions every quiet second."""
    counted, engine = Counted(), database.reads

    def counter(field: str) -> Callable[..., None]:
        def count(*_: Any) -> None:
            if threading.current_thread().name != follower.THREAD:
                setattr(counted, field, getattr(counted, field) + 1)

        return count

    checkout, checkin, statement = counter("checkouts"), counter("checkins"), counter("statements")

    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine.pool, "checkin", checkin)
    event.listen(engine, "before_cursor_execute", statement)
    try:
        yield counted
    finally:
        event.remove(engine.pool, "checkout", checkout)
        event.remove(engine.pool, "checkin", checkin)
        event.remove(engine, "before_cursor_execute", statement)


def test_a_dashboard_read_checks_out_one_connection_for_its_token_check_and_all_its_views(served: Served) -> None:
    with counting(served.database) as first:
        shown = served.dashboard()
    with counting(served.database) as second:
        served.dashboard()

    assert [d["milestones"][0]["code"] for d in shown] == ["M1"]
    assert first.checkouts == second.checkouts == 1
    assert first.checkins == second.checkins == 1  # given back once answered
    assert first.statements == second.statements > 1  # the sign-out check and the views, on that one connection


def test_a_read_that_waits_for_the_views_gives_its_connection_back_while_it_waits_and_reads_on_one_after(
    served: Served,
) -> None:
    with counting(served.database) as counted:
        answer = served.client.get(
            f"/api/v1/providers/{ACUTE_ID}/dashboard", params={"after": served.head}, headers=served.headers
        )

    assert answer.status_code == 200, answer.text
    assert counted.checkouts == counted.checkins <= 2  # the token's check; then, after the wait, the views
