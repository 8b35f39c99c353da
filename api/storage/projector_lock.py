"""One projector per SQLite database: whoever projects holds an exclusive lock on `<database file>.lock`.

The lock is the operating system's (flock), tied to the open file, so it goes with the process however that ends.
Two processes projecting one file would each keep their own idea of the views' positions and clock; on SQLite one
process serves and projects. PostgreSQL needs none of this: its projectors share a lease in the database
(projections/lease.py).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from api.storage.settings import Settings


class ProjectorBusyError(Exception):
    """Another process already projects this database."""


class ProjectorLock:
    """A held projector lock; `release` (or the end of the process) lets another take it."""

    def __init__(self, file: TextIO) -> None:
        self._file: TextIO | None = file

    def release(self) -> None:
        """Let another process project."""
        if self._file is not None:
            self._file.close()  # closing the file drops the lock
            self._file = None


def lock_path(database: Path) -> Path:
    """The lock file of a SQLite database: beside it, named after it."""
    return database.with_name(f"{database.name}.lock")


def take(settings: Settings, holder: str) -> ProjectorLock | None:
    """The database's projector lock, for `holder` (say who, for the message another process will see);
    None on PostgreSQL. ProjectorBusyError, naming the holder, when another process has it."""
    database = settings.sqlite_path()
    if database is None:
        return None
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    file = path.open("a+")
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        file.seek(0)
        held_by = file.read().strip() or "another process"
        file.close()
        raise ProjectorBusyError(f"{database} is already being projected by {held_by}") from None
    file.truncate(0)
    file.write(f"{holder} (process {os.getpid()})\n")
    file.flush()
    return ProjectorLock(file)


@contextmanager
def held(settings: Settings, holder: str) -> Iterator[None]:
    """Hold the database's projector lock for the block (nothing to hold on PostgreSQL); ProjectorBusyError first
    if another process has it."""
    lock = take(settings, holder)
    try:
        yield
    finally:
        if lock is not None:
            lock.release()
