"""The event store: eventsourcing-sqlalchemy's, with saves that can join a transaction their caller holds, reads of
the log and the snapshots that run statements built once, and its NOTIFY channel named by the settings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import sqlalchemy.exc
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, Notification, StoredEvent
from eventsourcing_sqlalchemy.datastore import transactions
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyAggregateRecorder, SQLAlchemyApplicationRecorder
from sqlalchemy import Engine, Select, bindparam, event, select
from sqlalchemy.orm import Session

from api.storage.chain import GENESIS, Chain
from api.storage.checkpoints import Checkpoints
from domain.record import Checkpoint, Link
from projections.database import one_creator_at_a_time, ping


class BuiltOnceReads(SQLAlchemyAggregateRecorder):
    """Reads that answer as the library's do, from one Core statement per shape of query, built on first use.

    The library builds an ORM query on every call, and every load of a cached aggregate runs one to fast-forward
    it (several a command): a load took 2-3x as long on SQLite and ~1.7x on PostgreSQL that way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._statements: dict[tuple[Any, ...], Select[Any]] = {}

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
        return [StoredEvent(**_stored(row)) for row in self._read(shape, statement, params)]

    def _read(self, shape: tuple[Any, ...], statement: Callable[[], Select[Any]], params: dict[str, Any]) -> Any:
        """Rows of the statement of this shape (built the first time), bound to the parameters that are given."""
        query = self._statements.get(shape)
        if query is None:
            query = self._statements[shape] = statement()
        with self.transaction(commit=False) as session:
            return session.execute(query, {k: v for k, v in params.items() if v is not None}).all()


class JoiningRecorder(BuiltOnceReads, SQLAlchemyApplicationRecorder):
    """The event log. Inside `recorder.transaction()` held by a caller (api/storage/idempotency.py), a save joins it as a
    savepoint: it commits with the caller's writes, and a collision undoes only the save and raises IntegrityError
    as a save on its own would, so the use case still names the conflict. On PostgreSQL each save NOTIFYs
    `channel_name`: the one given, else the library's (the table's name).

    Every save also chains its events (api/storage/chain.py) in the same transaction, once their positions are
    known and while no other writer can save: on PostgreSQL under the library's exclusive lock on the log, taken
    with the head's read in one round trip (the chain's INSERT goes with the NOTIFY in another, so a save costs
    the round trips it did before); on SQLite after the events' INSERT, which holds the database's write lock."""

    chained = True  # switched off only by the benchmark that measures what the chain costs

    def __init__(self, *args: Any, channel_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if channel_name:
            self.channel_name = channel_name
        sqlite = self.datastore.engine is not None and self.datastore.engine.dialect.name == "sqlite"
        self.chain = Chain(self.events_record_cls.__table__, self.schema_name, raw_ids=sqlite)
        self.checkpoints = Checkpoints(self.events_table_name, self.schema_name)
        self.tables += [self.chain.table, self.checkpoints.table]

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert in the caller's transaction if there is one, else in a transaction of its own."""
        enclosing = transactions.get(None)
        if enclosing is None:
            return super().insert_events(stored_events, **kwargs)
        try:
            with enclosing.session.begin_nested():
                return super().insert_events(stored_events, **kwargs)
        except sqlalchemy.exc.IntegrityError as error:
            raise IntegrityError(error) from error

    def _insert_stored_events(self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any) -> list[int]:
        """The library's insert (lock, INSERT, NOTIFY), with the events' chain hashes written under the same lock."""
        if not self.chained:
            return list(super()._insert_stored_events(session, stored_events, **kwargs))
        records = [self.events_record_cls(**_stored(event)) for event in stored_events]
        assert self.datastore.engine is not None
        if self.datastore.engine.dialect.name == "postgresql":
            self._insert_under_lock(session, records)
        else:
            session.add_all(records)
            session.flush()  # the positions; and now this transaction holds SQLite's write lock
            self.chain.write(session, self.chain.links(self.chain.head(session)[1], records))
        return [record.id for record in records]

    def _insert_under_lock(self, session: Session, records: list[Any]) -> None:
        """PostgreSQL: the library's lock with the chain's head read, the INSERT, then the chain's INSERT with the
        NOTIFY: three round trips, as the lock, the INSERT and the NOTIFY took without the chain."""
        cursor = session.connection().connection.cursor()
        cursor.execute(self.chain.lock_and_head_sql())
        head = cursor.fetchone()
        session.add_all(records)
        session.flush()  # the positions
        links = self.chain.links(bytes(head[1]) if head else GENESIS, records)
        cursor.execute(
            f"{self.chain.insert_sql(len(links))}; NOTIFY {self.channel_name}",
            [value for link in links for value in link],
        )

    def ping(self) -> None:
        """Raise unless the event store's database answers."""
        assert isinstance(self.datastore.engine, Engine)
        ping(self.datastore.engine)

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> list[Notification]:
        """Up to `limit` events of the log from `start` (or after it) up to `stop`, optionally of these topics."""
        table = self.events_record_cls.__table__
        position = table.c.id

        def statement() -> Select[Any]:
            query = select(position, table.c.originator_id, table.c.originator_version, table.c.topic, table.c.state)
            if start is not None:
                query = query.where(
                    position >= bindparam("start") if inclusive_of_start else position > bindparam("start")
                )
            if stop is not None:
                query = query.where(position <= bindparam("stop"))
            if topics:
                query = query.where(table.c.topic.in_(bindparam("topics", expanding=True)))
            return query.order_by(position).limit(bindparam("limit"))

        shape = ("notifications", start is None, inclusive_of_start, stop is None, not topics)
        params = {"start": start, "stop": stop, "topics": list(topics) or None, "limit": limit}
        return [Notification(id=row.id, **_stored(row)) for row in self._read(shape, statement, params)]

    def link(self, originator_id: UUID, version: int) -> Link | None:
        """Where an aggregate's event of this version sits in the log, and its chain hash (hex)."""
        table, chain = self.events_record_cls.__table__, self.chain.table

        def statement() -> Select[Any]:
            return (
                select(table.c.id, chain.c.hash)
                .outerjoin(chain, chain.c.position == table.c.id)
                .where(
                    table.c.originator_id == bindparam("originator_id"),
                    table.c.originator_version == bindparam("version"),
                )
            )

        rows = self._read(("link",), statement, {"originator_id": originator_id, "version": version})
        if not rows:
            return None
        return Link(position=rows[0].id, hash=None if rows[0].hash is None else bytes(rows[0].hash).hex())

    def checkpoint_covering(self, position: int) -> Checkpoint | None:
        """The first checkpoint recorded at or after `position`, or None."""
        with self.transaction(commit=False) as session:
            return self.checkpoints.covering(session, position)


def _stored(row: Any) -> dict[str, Any]:
    """A stored event's fields from a row (some drivers give the state as a memoryview)."""
    state = bytes(row.state) if isinstance(row.state, memoryview) else row.state
    return {
        "originator_id": row.originator_id,
        "originator_version": row.originator_version,
        "topic": row.topic,
        "state": state,
    }


class Factory(SQLAlchemyFactory):
    """eventsourcing-sqlalchemy with these recorders; the log's NOTIFYs go to the channel NOTIFY_CHANNEL names
    (`Settings.events_channel`, which whoever LISTENs for saves reads too), and on PostgreSQL each connection starts
    with the libpq options CONNECTION_OPTIONS gives (`postgres_options`: the timeouts)."""

    NOTIFY_CHANNEL = "NOTIFY_CHANNEL"  # looked up as CORRAL_NOTIFY_CHANNEL first, as the library does every key
    CONNECTION_OPTIONS = "CONNECTION_OPTIONS"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engine, options = self.datastore.engine, self.env.get(self.CONNECTION_OPTIONS)
        if options and engine is not None and engine.dialect.name == "postgresql":
            event.listen(engine, "do_connect", lambda _dialect, _record, _args, params: params.update(options=options))

    aggregate_recorder_class = BuiltOnceReads  # the snapshots, read when an aggregate is not cached or is historic

    def application_recorder(self) -> ApplicationRecorder:
        """The event log's recorder, built as the library builds it, with the channel the settings name."""
        recorder = JoiningRecorder(
            datastore=self.datastore,
            events_table_name=f"{self.env.name.lower() or 'stored'}_events",
            schema_name=self.env.get(self.SQLALCHEMY_SCHEMA),
            channel_name=self.env.get(self.NOTIFY_CHANNEL),
        )
        if self.env_create_table() and recorder.datastore.engine is not None:
            recorder.create_table()
        return recorder
