"""`corral serve --workers N` runs N processes behind one port: they share their metrics through files in one folder
(prometheus-client's multiprocess mode), made empty at each start, so that any worker's /metrics counts them all."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SHARED_DIR = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus-client when it is imported


@contextmanager
def sharing_metrics(folder: Path | None) -> Iterator[Path]:
    """The workers started inside share their metrics in `folder` (emptied of old counts), or in a temporary folder
    removed afterwards."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before the metrics folder was chosen: its counts would stay")
    made = folder is None
    shared = Path(tempfile.mkdtemp(prefix="corral-metrics-")) if folder is None else folder
    shared.mkdir(parents=True, exist_ok=True)
    for old in shared.glob("*.db"):
        old.unlink()
    os.environ[SHARED_DIR] = str(shared)
    try:
        yield shared
    finally:
        os.environ.pop(SHARED_DIR, None)
        if made:
            shutil.rmtree(shared, ignore_errors=True)
