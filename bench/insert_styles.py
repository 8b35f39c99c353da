"""Audit-shaped rows into the audit view's own table through SQLAlchemy Core three ways, against the raw driver."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection

from api.storage.settings import Settings
from bench.raw import insert_rate
from bench.results import number
from bench.stores import database_name
from projections.audit.view import AuditView
from projections.database import ViewDatabase
from projections.view import SCRATCH

Style = Callable[[Connection, Table, list[dict[str, Any]]], None]


def _literal_statement_per_row(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        conn.execute(insert(table).values(row))


def _one_statement_per_row(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    statement = insert(table)
    for row in rows:
        conn.execute(statement, row)


def _one_statement_per_batch(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    conn.execute(insert(table), rows)


STYLES: tuple[tuple[str, Style], ...] = (
    ("`insert(t).values(row)` per row, as the audit projection does", _literal_statement_per_row),
    ("one prepared `insert(t)` executed per row with its parameters", _one_statement_per_row),
    ("one `insert(t)` executed with the batch's 1,000 rows (executemany)", _one_statement_per_batch),
)


@dataclass(frozen=True)
class StyleRate:
    """Rows per second for one way of writing them, and the raw driver's rate in the same run."""

    database: str
    style: str
    rate: float
    raw_rate: float

    def describe(self) -> str:
        """One markdown bullet."""
        ratio = self.rate / self.raw_rate
        return f"- {self.database}, {self.style}: {number(self.rate)} rows/s ({ratio:.2f} of raw)"


def audit_rows(count: int, first: int = 1) -> list[dict[str, Any]]:
    """Rows as wide as the audit trail's."""
    now = datetime.now(UTC)
    return [
        {
            "position": position,
            "occurred_at": now,
            "event_type": "EvidenceRevised",
            "aggregate_type": "Submission",
            "aggregate_id": "a" * 36,
            "aggregate_version": 3,
            "actor_user_id": "bench-p1.quality",
            "actor_organisation_id": "b" * 36,
            "actor_organisation_name": "Bench provider 1",
            "role": "provider",
            "programme_id": "c" * 36,
            "scheme_id": "d" * 36,
            "provider_id": "e" * 36,
            "quarter": "Q1",
            "description": "Bench provider 1 revised its Q1 evidence for Bench scheme 3: revision 2.",
            "reason": "Corrected figures.",
        }
        for position in range(first, first + count)
    ]


def measure(settings: Settings, count: int, batch_size: int = 1000) -> list[StyleRate]:
    """Each style into a scratch copy of the audit view's events table, `batch_size` rows a transaction."""
    database = ViewDatabase(settings.database_url, settings.database_schema)
    view = AuditView(database, prefix=SCRATCH)
    view.create()
    found = []
    try:
        raw_rate = insert_rate(settings, count, batch_size)
        for number_, (style, write) in enumerate(STYLES):
            rows = audit_rows(count, first=number_ * count + 1)
            started = perf_counter()
            for start in range(0, count, batch_size):
                with database.transaction() as conn:
                    write(conn, view.events, rows[start : start + batch_size])
            found.append(StyleRate(database_name(settings), style, count / (perf_counter() - started), raw_rate))
    finally:
        view.drop()
        database.close()
    return found
