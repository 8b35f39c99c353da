"""Creating what is missing of a set of tables: what is there is read in one query, where SQLAlchemy's `checkfirst`
asks once for each table and each index (on PostgreSQL, ~60 round trips for the views' tables at every start)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Index, MetaData, text
from sqlalchemy.engine import Connection

# Which of these names the schema holds (tables, indexes, sequences and views share one namespace), by the catalog's
# index on names: a scan of every relation would cost what the catalog's size does.
_POSTGRESQL = text(
    "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relname = ANY(:names) AND n.nspname = COALESCE(:schema, current_schema())"
)
_SQLITE = text("SELECT name FROM sqlite_master")


def create_missing(conn: Connection, metadata: MetaData, indexes: Sequence[Index] = ()) -> None:
    """Create the tables of `metadata` that are not there, with their indexes, and those of `indexes` (of tables
    that are there) not there either. Inside a transaction that keeps other creators out (`ViewDatabase.creating`)."""
    there = _relations(conn, metadata.schema, [t.name for t in metadata.sorted_tables] + [str(i.name) for i in indexes])
    missing = [table for table in metadata.sorted_tables if table.name not in there]
    if missing:
        metadata.create_all(conn, tables=missing, checkfirst=False)
    for index in indexes:
        if index.table not in missing and index.name not in there:
            index.create(conn)


def _relations(conn: Connection, schema: str | None, names: list[str]) -> set[str]:
    if conn.dialect.name == "sqlite":  # one file, no schemas
        return {row[0] for row in conn.execute(_SQLITE)}
    return {row[0] for row in conn.execute(_POSTGRESQL, {"names": names, "schema": schema})}
