"""How the views' SQLite connections are set up, and how their transactions begin."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

STANDING_ALONE = "corral_standing_alone"  # SQLite: a connection for reads, each statement its own transaction


def sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    """A new SQLite connection: WAL, NORMAL sync, a 30 s busy timeout, and no transaction the driver begins."""
    # Let SQLAlchemy, not the driver, begin transactions, so that DDL and reads are inside them too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # As on PostgreSQL (synchronous_commit=off): a view commits atomically with its tracking and is rebuilt from the
    # log, so a power cut may only undo its last commits, which are applied again. In WAL mode the file stays whole,
    # and each event store commit (synchronous=FULL) still syncs the log with every view commit before it.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def sqlite_begin(conn: Connection) -> None:
    """BEGIN (IMMEDIATE if asked), unless the connection is one whose statements stand alone (reads)."""
    chosen = conn.get_execution_options()
    if not chosen.get(STANDING_ALONE):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if chosen.get("sqlite_immediate") else "BEGIN")
