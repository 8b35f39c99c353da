"""Writers racing to save never link two events to the same head: under PostgreSQL's lock on the log, and under
SQLite's write lock, taken by the events' INSERT before the chain's head is read (threads in one process, and two
processes on one file)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from api.storage.proof import verify
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.application import Corral
from domain.organisation import OrganisationKind
from tests.builders import OPERATOR

WRITER = """
import sys
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.organisation import OrganisationKind
from tests.builders import OPERATOR
app = build_application(Settings(database_url=sys.argv[1]))
for n in range(int(sys.argv[3])):
    app.register_organisation(OPERATOR, f"{sys.argv[2]}{n}", f"Provider {sys.argv[2]} {n}", OrganisationKind.PROVIDER)
app.close()
"""


def registered(app: Corral, prefix: str, count: int) -> None:
    for n in range(count):
        app.register_organisation(OPERATOR, f"{prefix}{n}", f"Provider {prefix} {n}", OrganisationKind.PROVIDER)


def test_events_saved_by_racing_threads_all_chain(app: Corral) -> None:
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            registered(app, f"W{number}N", 8)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    walk = verify(app.recorder)
    assert not failures
    assert walk.broken is None and walk.unchained == 0 and walk.events == 48


def test_two_processes_saving_to_one_sqlite_file_both_chain(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'corral.sqlite3'}"
    build_application(Settings(database_url=url)).close()  # the tables, before the writers race
    root = Path(__file__).resolve().parents[2]
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, prefix, "40"], cwd=root, stderr=subprocess.PIPE, text=True)
        for prefix in ("A", "B")
    ]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]

    app = build_application(Settings(database_url=url))
    try:
        walk = verify(app.recorder)
    finally:
        app.close()
    assert [writer.returncode for writer in writers] == [0, 0], errors
    assert walk.broken is None and walk.unchained == 0 and walk.events == 80
