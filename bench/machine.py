"""The machine a run was measured on: date, architecture, CPU, cores, memory and database versions."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from pathlib import Path

from api.storage.settings import Settings
from bench.stores import POSTGRES_URL, connect


def _command(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()


def _proc(path: str, key: str) -> str:
    for line in Path(path).read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return "unknown"


def postgres_version(url: str = POSTGRES_URL) -> str:
    """The server's version string."""
    conn = connect(Settings(database_url=url))
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return str(cursor.fetchone()[0])
    finally:
        conn.close()


def describe() -> list[tuple[str, str]]:
    """(what, value) pairs for the report."""
    memory_kib = int(_proc("/proc/meminfo", "MemTotal").split()[0])
    return [
        ("Date", _command("date", "-u")),
        ("Architecture", _command("uname", "-m")),
        ("CPU", _proc("/proc/cpuinfo", "model name")),
        ("Cores", str(os.cpu_count())),
        ("Memory", f"{memory_kib / 1024 / 1024:.1f} GiB"),
        ("PostgreSQL server", postgres_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("Python", platform.python_version()),
    ]
