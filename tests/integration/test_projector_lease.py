"""The projector lease on PostgreSQL: one holder at a time, a standby takes it only once it has run out (or its
holder's sessions are gone), and a holder that renews after being taken over hears that it lost it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from api.storage.settings import Settings
from domain.application import Corral
from projections.connections import ROLE_VARIABLE
from projections.database import ViewDatabase
from projections.lease import Lease, LeaseLostError
from projections.runner import Projector
from tests.builders import ACUTE, narrative
from tests.integration.given import agreed_scheme
from tests.integration.read_models import Views, views_of
from tests.integration.test_projector import eventually, head, postgres_admin, running

pytestmark = pytest.mark.parametrize("settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)

TERM = 1.0


@pytest.fixture
def database(settings: Settings) -> Iterator[ViewDatabase]:
    opened = ViewDatabase(settings.database_url, settings.database_schema)
    yield opened
    opened.close()


def lease(database: ViewDatabase, holder: str) -> Lease:
    made = Lease(database, holder, TERM)
    made.create()
    return made


def test_a_standby_cannot_take_a_lease_its_connected_holder_keeps_renewing(database: ViewDatabase) -> None:
    active, standby = lease(database, "web-1:10"), lease(database, "web-2:20")
    active.take(["progress_v5"])
    held = None

    for _ in range(3):
        time.sleep(TERM / 3)
        active.renew(["progress_v5"])
        with pytest.raises(LeaseLostError) as refused:
            standby.take(["progress_v5"])
        held = refused.value.holding

    assert held is not None and held.holder == "web-1:10" and held.views == ("progress_v5",)


def test_a_renewal_after_a_standby_took_over_an_expired_lease_reports_it_lost(database: ViewDatabase) -> None:
    frozen, standby = lease(database, "web-1:10"), lease(database, "web-2:20")
    frozen.take(["progress_v5"])
    time.sleep(TERM + 0.2)  # frozen: no renewal within the term

    taken_over = standby.take(["progress_v5", "audit_v3"])

    assert taken_over is not None and taken_over.holder == "web-1:10"
    with pytest.raises(LeaseLostError, match="lost the lease to web-2:20"):
        frozen.renew(["progress_v5"])
    held = standby.read()
    assert held is not None and (held.holder, held.views, held.epoch) == ("web-2:20", ("progress_v5", "audit_v3"), 2)


def test_a_lease_whose_holder_has_no_session_left_is_taken_at_once(
    database: ViewDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed, standby = lease(database, "web-1:10"), lease(database, "web-2:20")
    monkeypatch.setenv(ROLE_VARIABLE, "corral-killed")  # sessions of this name: there are none
    killed.take(["progress_v5"])
    monkeypatch.delenv(ROLE_VARIABLE)

    taken_over = standby.take(["progress_v5"])

    assert taken_over is not None and taken_over.holder == "web-1:10"


def test_a_released_lease_is_taken_at_once_and_taken_over_from_nobody(database: ViewDatabase) -> None:
    stopping, standby = lease(database, "web-1:10"), lease(database, "web-2:20")
    stopping.take(["progress_v5"])
    stopping.release()

    assert standby.take(["progress_v5"]) is None
    held = standby.read()
    assert held is not None and held.holder == "web-2:20"


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "corral.projector"]


def test_taking_releasing_and_catching_up_are_logged_for_the_operator(
    app: Corral, views: Views, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="corral.projector")
    first, second = Projector(app, views.projections), Projector(app, views.projections)
    with running(first):
        eventually(first.active.is_set)
        with running(second):
            agreed_scheme(app)
            first.wait(head(app))
            first.stop()
            eventually(second.active.is_set)

    logged = messages(caplog)
    assert f"projector {first.name} took the lease (epoch 1)" in logged
    assert any(m.startswith(f"projector {second.name} stands by: {first.name} holds the lease") for m in logged)
    assert any(m.startswith("caught up progress_v5, audit_v3") and " events in " in m for m in logged)
    assert f"projector {first.name} released the lease" in logged
    assert f"projector {second.name} took the lease (epoch 2)" in logged


def test_an_active_projector_whose_views_stop_moving_behind_the_log_warns_of_a_stall(
    app: Corral, views: Views, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="corral.projector")
    with running(Projector(app, views.projections, lease_seconds=1.5, stall_seconds=1.0)) as projector:
        agreed = agreed_scheme(app)
        reached = head(app)
        projector.wait(reached)
        with postgres_admin() as admin, admin.cursor() as cursor:
            admin.autocommit = False  # hold the progress view's tracking row, as a frozen writer would
            cursor.execute(
                f"SELECT 1 FROM {views.database.schema}.projection_tracking WHERE projection = %s FOR UPDATE",
                (views.progress.key,),
            )
            submitted = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())

            stall = eventually(lambda: [m for m in messages(caplog) if m.startswith("stall: ")], timeout=15)
            admin.rollback()
        projector.wait(submitted.position, timeout=10)

    assert f"views have stayed at position {reached}" in stall[0]
    assert f"the log's head is at {submitted.position}" in stall[0]
