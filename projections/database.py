"""The database the views live in: the event store's own, beside the events, with one tracking table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, MetaData, String, Table, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.types import String as StringType
from sqlalchemy.types import TypeDecorator


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text, the same on SQLite and PostgreSQL."""

    impl = StringType(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class ViewDatabase:
    """An engine, the views' table definitions, and the tracking row each projection advances."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        self.url = url
        self.schema = schema
        self.is_sqlite = url.startswith("sqlite")
        self.engine: Engine = create_engine(
            url, pool_pre_ping=True, connect_args={"timeout": 30} if self.is_sqlite else {}
        )
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.metadata = MetaData(schema=schema)
        self.tracking = Table(
            "projection_tracking",
            self.metadata,
            Column("projection", String(64), primary_key=True),
            Column("position", BigInteger, nullable=False),
        )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: commits on success, rolls back on any error."""
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
