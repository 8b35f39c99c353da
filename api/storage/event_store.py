"""The event store: eventsourcing-sqlalchemy's, with saves that can join a transaction their caller holds, reads of
the log and the snapshots that run statements built once, and its NOTIFY channel named by the settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy.exc
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, Notification, StoredEvent
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore, transactions
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import Engine, Select, bindparam, create_engine, event, select
from sqlalchemy.orm import Session

from api.storage.chain import GENESIS, Chain
from api.storage.driver import Driver, OnServer
from api.storage.log_reads import BuiltOnceReads, as_bytes, stored_fields
from api.storage.checkpoints import Checkpoints
from api.storage.save_batches import SaveBatches
from domain.record import Checkpoint, Link
from projections.connections import connection_options
from projections.database import ping


KEPT_CONNECTIONS = 5  # the log's connections kept open between statements (as SQLAlchemy's default pool keeps)
SIDE_BY_SIDE = 4  # saves sent at once, each in its own transaction; more wait and go together (save_batches.py)
AT_ONCE_MAX = 50  # events a save sends as one batch of SQL (hashed by the server, in time growing as their square)


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
        # the save's batch and the statement it runs prepared, by how many events, chained or not
        self._saves: dict[tuple[int, bool], tuple[str, OnServer]] = {}
        self._batches: SaveBatches | None = None
        driver = getattr(self.datastore, "driver", None)
        if driver is not None:
            self._batches = SaveBatches(lambda events: self._save_at_once(driver, events), AT_ONCE_MAX, SIDE_BY_SIDE)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert in the caller's transaction if there is one, else in a transaction of its own: on PostgreSQL one
        batch of statements, one round trip (Chain.saving_sql)."""
        enclosing = transactions.get(None)
        if enclosing is None and self._batches is not None and 0 < len(stored_events) <= AT_ONCE_MAX:
            return self._batches.save(stored_events)
        if enclosing is None:
            return super().insert_events(stored_events, **kwargs)
        try:
            with enclosing.session.begin_nested():
                return super().insert_events(stored_events, **kwargs)
        except sqlalchemy.exc.IntegrityError as error:
            raise IntegrityError(error) from error

    def _save_at_once(self, driver: Driver, stored_events: Sequence[StoredEvent]) -> list[int]:
        """PostgreSQL: lock, insert, chain and NOTIFY in one round trip, committed by the server as one transaction,
        sent through the driver itself."""
        shape = (len(stored_events), self.chained)
        save = self._saves.get(shape)
        if save is None:
            lock, statement = self.chain.saving_sql(shape[0], self.channel_name, chained=self.chained)
            on_server = OnServer.of(statement, ["%s"] * statement.count("%s"))
            save = self._saves[shape] = (f"{lock}{on_server.execute}", on_server)
        try:
            rows = driver.run(save[0], driver_params(stored_events), on_server=save[1])
        except sqlalchemy.exc.IntegrityError as error:
            raise IntegrityError(error) from error
        if len(stored_events) == 1:
            return [rows[0][0]]
        positions = {(str(originator_id), version): position for position, originator_id, version in rows}
        return [positions[str(event.originator_id), event.originator_version] for event in stored_events]

    def _insert_stored_events(self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any) -> list[int]:
        """The library's insert (lock, INSERT, NOTIFY), with the events' chain hashes written under the same lock."""
        if not self.chained:
            return list(super()._insert_stored_events(session, stored_events, **kwargs))
        records = [self.events_record_cls(**stored_fields(event)) for event in stored_events]
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
        return [
            Notification(
                id=row.id,
                originator_id=row.originator_id,
                originator_version=row.originator_version,
                topic=row.topic,
                state=as_bytes(row.state),
            )
            for row in self._read(shape, statement, params)
        ]

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


class SnapshotStore(BuiltOnceReads):
    """The snapshots. On PostgreSQL, outside a transaction a caller holds, one is written in one round trip on an
    autocommit connection through the driver, not in an ORM transaction of three."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert the snapshots (IntegrityError if one of that version is there already)."""
        driver: Driver | None = getattr(self.datastore, "driver", None)
        if driver is None or transactions.get(None) is not None or not stored_events:
            return super().insert_events(stored_events, **kwargs)
        table = f"{self.schema_name}.{self.events_table_name}" if self.schema_name else self.events_table_name
        values = ", ".join(["(%s::uuid, %s, %s, %s)"] * len(stored_events))
        try:
            driver.run(f"INSERT INTO {table} ({FIELDS}) VALUES {values}", driver_params(stored_events))
        except sqlalchemy.exc.IntegrityError as error:
            raise IntegrityError(error) from error
        return None


FIELDS = "originator_id, originator_version, topic, state"


def driver_params(stored_events: Sequence[StoredEvent]) -> tuple[Any, ...]:
    """The events' fields as the driver takes them, one event after another."""
    return tuple(
        value
        for event in stored_events
        for value in (str(event.originator_id), event.originator_version, event.topic, event.state)
    )


def _add_options(params: dict[str, Any], options: str) -> None:
    """Append libpq `options` to a connection's, after the ones every session of the process has."""
    params["options"] = f"{params.get('options', '')} {options}".strip()


class NamedSessions(SQLAlchemyDatastore):
    """The library's datastore, whose PostgreSQL sessions carry this process's name and session settings; on
    PostgreSQL, with a second pool of autocommit connections (`autocommit`) for saves and reads that need no
    transaction of their own beyond the server's implicit one."""

    def __init__(self, *, url: str | None = None, **kwargs: Any) -> None:
        postgres = url is not None and url.startswith("postgresql")
        if postgres:
            kwargs["connect_args"] = connection_options()
        super().__init__(url=url, **kwargs)
        self.autocommit: Engine | None = None
        self.driver: Driver | None = None
        if postgres and url is not None:
            engine_kwargs = {k: v for k, v in kwargs.items() if k not in ("session", "session_maker", "autoflush")}
            # no transaction is ever left open on these connections, so none is rolled back as they are returned
            # the driver keeps the connections it uses between statements (driver.py); the pool keeps one more
            self.autocommit = create_engine(
                url,
                isolation_level="AUTOCOMMIT",
                pool_reset_on_return=None,
                pool_size=1,
                max_overflow=14,  # with the one it keeps, at most 15 at once, as with SQLAlchemy's default pool (5 + 10)
                **engine_kwargs,
            )
            self.driver = Driver(self.autocommit, keep=KEPT_CONNECTIONS)


class Factory(SQLAlchemyFactory):
    """eventsourcing-sqlalchemy with these recorders; the log's NOTIFYs go to the channel NOTIFY_CHANNEL names
    (`Settings.events_channel`, which whoever LISTENs for saves reads too), and on PostgreSQL each connection starts
    with the libpq options CONNECTION_OPTIONS gives (`postgres_options`: the timeouts)."""

    NOTIFY_CHANNEL = "NOTIFY_CHANNEL"  # looked up as CORRAL_NOTIFY_CHANNEL first, as the library does every key
    CONNECTION_OPTIONS = "CONNECTION_OPTIONS"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engines = (self.datastore.engine, getattr(self.datastore, "autocommit", None))
        options = self.env.get(self.CONNECTION_OPTIONS)
        for engine in engines:
            if options and engine is not None and engine.dialect.name == "postgresql":
                event.listen(
                    engine, "do_connect", lambda _dialect, _record, _args, params: _add_options(params, options)
                )

    datastore_class = NamedSessions

    def close(self) -> None:
        """Close the autocommit pool's connections (the library leaves its own pool to the garbage collector)."""
        autocommit = getattr(self.datastore, "autocommit", None)
        if autocommit is not None:
            self.datastore.driver.close()  # type: ignore[attr-defined]
            autocommit.dispose()

    aggregate_recorder_class = SnapshotStore  # read when an aggregate is not cached or is historic

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
