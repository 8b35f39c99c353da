"""Server processes starting together on one database: each creates the tables it needs, and none fails for it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest

from api.storage.idempotency import IdempotencyKeys
from api.storage.revocations import RevokedTokens
from api.storage.settings import Settings
from api.http.sign_in import SignInLedger
from api.storage.wiring import build_application, build_views
from domain.application import Corral
from projections.database import ViewDatabase
from projections.progress.view import ProgressView
from tests.conftest import POSTGRES_URL, fresh_schema

PROGRESS = ProgressView.name

STARTING = 6
# A process that builds the application (creating the log's tables) at the moment its first argument names.
STARTS_AT = """
import sys, time
from api.storage.settings import Settings
from api.storage.wiring import build_application
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
build_application(Settings()).close()
"""


def started_together(start: Callable[[], None], count: int = STARTING) -> list[BaseException]:
    """Run `start` in `count` threads released at the same moment; what each raised."""
    gate, failures = threading.Barrier(count), []

    def run() -> None:
        gate.wait()
        try:
            start()
        except BaseException as error:  # noqa: BLE001 - every failure is the finding
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_servers_starting_together_on_an_empty_store_each_get_every_table(settings: Settings, app: Corral) -> None:
    def start() -> None:
        database, _ = build_views(settings)
        try:
            IdempotencyKeys(database, app)
            SignInLedger(database)
            RevokedTokens(database)
        finally:
            database.close()

    failures = started_together(start)

    assert failures == []
    reader = ViewDatabase(settings.database_url, settings.database_schema)
    try:
        assert len(reader.positions([PROGRESS, "audit_v3"])) == 2
    finally:
        reader.close()


def test_a_second_start_on_a_store_with_every_table_changes_nothing(settings: Settings) -> None:
    corral = build_application(settings)
    try:
        for _ in range(2):
            database, _ = build_views(settings)
            database.close()
    finally:
        corral.close()


@pytest.mark.postgres
def test_two_servers_and_two_projectors_starting_together_on_an_empty_postgres_database_all_start(
    postgres_available: bool,
) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with fresh_schema() as schema:
        env = {**os.environ, "CORRAL_DATABASE_URL": POSTGRES_URL, "CORRAL_DATABASE_SCHEMA": schema}
        at = str(time.time() + 10)  # once every interpreter has imported Corral, even on a loaded machine
        argv = [sys.executable, "-c", STARTS_AT, at]
        started = [subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        errors = [process.communicate(timeout=120)[1] for process in started]

    assert [process.returncode for process in started] == [0, 0, 0, 0], "".join(errors)[-2000:]
