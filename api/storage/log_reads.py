"""Reads of the log and the snapshots, answered as the library's are, from one Core statement per shape of query,
built on first use; on PostgreSQL in one round trip on an autocommit connection (api/storage/event_store.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy.exc
from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy.datastore import transactions
from eventsourcing_sqlalchemy.recorders import SQLAlchemyAggregateRecorder
from sqlalchemy import Select, Text, bindparam, cast, func, literal_column, select, type_coerce, union_all
from sqlalchemy.types import NullType

from api.storage.driver import Driver, Prepared, Query
from projections.database import one_creator_at_a_time
from projections.reads import reading_on


class BuiltOnceReads(SQLAlchemyAggregateRecorder):
    """Reads that answer as the library's do, from one Core statement per shape of query, built on first use.

    The library builds an ORM query on every call, and every load of a cached aggregate runs one to fast-forward
    it (several a command): a load took 2-3x as long on SQLite and ~1.7x on PostgreSQL that way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._statements: dict[tuple[Any, ...], Query] = {}
        self._prepared: dict[tuple[Any, ...], Prepared | None] = {}  # the same, compiled for the driver

    def create_table(self) -> None:
        """The library's, one process at a time on PostgreSQL (as the views' tables are): servers and projectors
        starting together on an empty database would otherwise race to create the same table and all but one fail."""
        engine = self.datastore.engine
        assert isinstance(engine, sqlalchemy.Engine)
        if engine.dialect.name != "postgresql":
            super().create_table()
            return
        with engine.begin() as conn:
            one_creator_at_a_time(conn, self.schema_name)
            for table in self.tables:
                table.create(conn, checkfirst=True)

    def select_events(
        self,
        originator_id: Any,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        """An aggregate's events, optionally after `gt` and up to `lte`, in version order (or reversed)."""
        table = self.events_record_cls.__table__
        version = table.c.originator_version

        def statement() -> Select[Any]:
            query = select(table.c.originator_id, version, table.c.topic, table.c.state)
            query = query.where(table.c.originator_id == bindparam("originator_id"))
            if gt is not None:
                query = query.where(version > bindparam("gt"))
            if lte is not None:
                query = query.where(version <= bindparam("lte"))
            query = query.order_by(version.desc() if desc else version)
            return query if limit is None else query.limit(bindparam("limit"))

        shape = ("events", gt is None, lte is None, desc, limit is None)
        params = {"originator_id": originator_id, "gt": gt, "lte": lte, "limit": limit}
        return [StoredEvent(**stored_fields(row)) for row in self._read(shape, statement, params)]

    def select_latest(
        self, originator_id: Any, snapshots: SQLAlchemyAggregateRecorder
    ) -> tuple[list[StoredEvent], list[StoredEvent]]:
        """An aggregate's latest snapshot (none, or one) from the snapshots' recorder and its events after that
        snapshot's version, in version order, read in one statement (domain/whole_reads.py)."""
        events, kept = self.events_record_cls.__table__, snapshots.events_record_cls.__table__

        def statement() -> Query:
            originator: Any = bindparam("originator_id")
            columns = ("originator_id", "originator_version", "topic", "state")
            newest = select(func.max(kept.c.originator_version)).where(kept.c.originator_id == originator)
            latest = select(literal_column("0").label("kind"), *(kept.c[name] for name in columns)).where(
                kept.c.originator_id == originator, kept.c.originator_version == newest.scalar_subquery()
            )
            newer = select(literal_column("1").label("kind"), *(events.c[name] for name in columns)).where(
                events.c.originator_id == originator,
                events.c.originator_version > func.coalesce(newest.scalar_subquery(), literal_column("0")),
            )
            whole = union_all(latest, newer)
            return whole.order_by(whole.selected_columns.kind, whole.selected_columns.originator_version)

        rows = self._read(("latest", kept.name), statement, {"originator_id": originator_id})
        stored = [(row.kind, StoredEvent(**stored_fields(row))) for row in rows]
        return [event for kind, event in stored if kind == 0], [event for kind, event in stored if kind == 1]

    def _read(self, shape: tuple[Any, ...], statement: Callable[[], Query], params: dict[str, Any]) -> Any:
        """Rows of the statement of this shape (built the first time), bound to the parameters that are given. Inside
        a transaction a caller holds, read in it (its own saves are seen); else, on PostgreSQL, in one round trip on
        an autocommit connection, through the driver itself (api/storage/driver.py), retried once on a fresh
        connection if the pooled one had been dropped."""
        query = self._statements.get(shape)
        if query is None:
            query = self._statements[shape] = statement()
        bound = {k: v for k, v in params.items() if v is not None}
        driver: Driver | None = getattr(self.datastore, "driver", None)
        if driver is None or transactions.get(None) is not None:
            with self.transaction(commit=False) as session:
                return session.execute(query, bound).all()
        if shape not in self._prepared:
            self._prepared[shape] = driver.prepare(query)
        prepared = self._prepared[shape]
        if prepared is not None:
            return driver.read(prepared, bound)
        with reading_on(driver.engine, {}, share=False) as conn:  # a list parameter: retried once, as views are
            return conn.execute(query, bound).all()

    def aggregate_ids(self, after: int | None = None) -> list[Any]:
        """Every aggregate's id, from its first event (every aggregate starts at version 1), or those first recorded
        after the position `after`: on PostgreSQL as text, on SQLite as the 16 bytes stored, for domain/known_ids.py
        to read as a number (a UUID made of each id of a long log would cost more than the rest of listing it)."""
        table = self.events_record_cls.__table__
        engine = self.datastore.engine
        assert engine is not None

        def statement() -> Select[Any]:
            column = table.c.originator_id
            as_stored = cast(column, Text) if engine.dialect.name == "postgresql" else type_coerce(column, NullType())
            query = select(as_stored).where(table.c.originator_version == literal_column("1"))
            return query if after is None else query.where(table.c.id > bindparam("after"))

        return [row[0] for row in self._read(("ids", after is None), statement, {"after": after})]

    def max_notification_id(self) -> int | None:
        """The log's highest position, or None while it is empty."""
        table = self.events_record_cls.__table__

        def statement() -> Select[Any]:
            return select(func.max(table.c.id))

        return self._read(("max",), statement, {})[0][0]  # type: ignore[no-any-return]


def stored_fields(row: Any) -> dict[str, Any]:
    """A stored event's fields from a row."""
    return {
        "originator_id": row.originator_id,
        "originator_version": row.originator_version,
        "topic": row.topic,
        "state": as_bytes(row.state),
    }


def as_bytes(state: Any) -> Any:
    """A stored state as bytes (some drivers give it as a memoryview)."""
    return bytes(state) if isinstance(state, memoryview) else state
