"""`corral serve --workers N` runs N processes behind one port: they share their metrics through files in one folder
(prometheus-client's multiprocess mode), made empty at each start, so that any worker's /metrics counts them all.

Unless CORRAL_METRICS_DIR names the folder, each server makes its own temporary one, named after its process id, and
removes it when it stops; one left by a server that was killed (or that uvicorn ended with the signal that stopped it)
is removed by the next server to start, once no process has that id."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SHARED_DIR = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus-client when it is imported
PREFIX = "corral-metrics-"


@contextmanager
def sharing_metrics(folder: Path | None) -> Iterator[Path]:
    """The workers started inside share their metrics in `folder` (emptied of old counts), or in a temporary folder
    of this process's own."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before the metrics folder was chosen: its counts would stay")
    if folder is None:
        _remove_those_of_ended_servers()
    shared = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")) if folder is None else folder
    shared.mkdir(parents=True, exist_ok=True)
    for old in shared.glob("*.db"):
        old.unlink()
    os.environ[SHARED_DIR] = str(shared)
    try:
        yield shared
    finally:
        os.environ.pop(SHARED_DIR, None)
        if folder is None:
            shutil.rmtree(shared, ignore_errors=True)


def _remove_those_of_ended_servers() -> None:
    for made in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        pid = made.name.removeprefix(PREFIX).partition("-")[0]
        if pid.isdigit() and made.is_dir() and not _running(int(pid)):
            shutil.rmtree(made, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
