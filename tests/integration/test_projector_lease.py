"""The projector lease on PostgreSQL: one holder at a time, a standby takes it only once it has run out (or its
holder's sessions are gone), and a holder that renews after being taken over hears that it lost it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from api.storage.settings import Settings
from projections.connections import ROLE_VARIABLE
from projections.database import ViewDatabase
from projections.lease import Lease, LeaseLostError

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

    taken_over = standby.take(["progress_v5", "audit_v2"])

    assert taken_over is not None and taken_over.holder == "web-1:10"
    with pytest.raises(LeaseLostError, match="lost the lease to web-2:20"):
        frozen.renew(["progress_v5"])
    held = standby.read()
    assert held is not None and (held.holder, held.views, held.epoch) == ("web-2:20", ("progress_v5", "audit_v2"), 2)


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
