"""What a process and all its descendants hold: resident memory and threads, read from /proc."""

from __future__ import annotations

from pathlib import Path


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    return sum(_status(process, "VmRSS") for process in _family(pid))


def threads(pid: int) -> int:
    """Threads of a process and all its descendants."""
    return sum(_status(process, "Threads") for process in _family(pid))


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _family(pid: int) -> list[int]:
    children = [
        int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()
    ]
    return [pid, *(member for child in children for member in _family(child))]
