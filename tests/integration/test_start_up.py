"""Server processes starting together on one database: each creates the tables it needs, and none fails for it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from api.storage.idempotency import IdempotencyKeys
from api.storage.revocations import RevokedTokens
from api.storage.settings import Settings
from api.http.sign_in import SignInLedger
from api.storage.wiring import build_application, build_views
from domain.application import Corral
from projections.database import ViewDatabase
from projections.progress.view import ProgressView

PROGRESS = ProgressView.name

STARTING = 6


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
        assert len(reader.positions([PROGRESS, "audit_v2"])) == 2
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
