"""The statements a view's batch writes with: each shape built once by the view, then executed with many rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_new(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert the rows whose keys the table does not hold yet; the others are left as they are."""
    if rows:
        conn.execute(insert_new_statement(conn, table), rows)


def insert_new_statement(conn: Connection, table: Table) -> Any:
    """An INSERT that leaves alone each row whose key the table holds already."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def update_statement(table: Table, key_columns: tuple[str, ...], value_columns: tuple[str, ...]) -> Any:
    """An UPDATE of the row whose `key_columns` equal the parameters `k_<column>`, setting each of `value_columns` to
    `v_<column>`."""
    return (
        update(table)
        .where(*(table.c[c] == bindparam(f"k_{c}") for c in key_columns))
        .values({c: bindparam(f"v_{c}") for c in value_columns})
    )
