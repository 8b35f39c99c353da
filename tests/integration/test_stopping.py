"""Stopping a projector or a follower ends the wait it is in at once, instead of at the end of the wait."""

from __future__ import annotations

import threading

import pytest

from projections.wakeups import Listening, Stopping
from tests.conftest import POSTGRES_URL

A_LONG_WAIT = 60.0


@pytest.mark.postgres
def test_stopping_ends_a_wait_for_notifications_at_once(postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    stopping = Stopping()
    listening = Listening(POSTGRES_URL, "corral_stopping_test")
    heard: list[list[tuple[str, str]]] = []
    try:
        listening.acquire(stopping)
        with stopping.waking(listening.wake):
            waiter = threading.Thread(target=lambda: heard.append(listening.wait(stopping, most=A_LONG_WAIT)))
            waiter.start()
            stopping.set()
            waiter.join(timeout=A_LONG_WAIT / 2)

        assert not waiter.is_alive() and heard == [[]]
    finally:
        listening.close()


def test_a_stopping_event_wakes_only_what_waits_while_it_is_registered() -> None:
    stopping, woken = Stopping(), []
    with stopping.waking(lambda: woken.append("during")):
        pass
    stopping.set()

    assert stopping.is_set() and woken == []
