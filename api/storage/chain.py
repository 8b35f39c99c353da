"""The hash chain over the whole event log (issue 18): every stored event's hash is SHA-256 over the hash of the event
before it (by position, never position - 1: PostgreSQL's sequence leaves gaps) and the event's own stored bytes, its
position, originator id, version, topic and state. The library keeps an event's timestamp inside `state`, so hashing
the stored state covers it; with CIPHER_TOPIC or COMPRESSOR_TOPIC on, the state hashed is the ciphertext as stored,
so the chain covers what is on disk and checking it needs no key.

The hashes sit in a table of their own beside the events (`corral_chain` beside `corral_events`), written in the
save's transaction (api/storage/event_store.py). Verifying walks both tables in bounded batches."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, Integer, LargeBinary, MetaData, Table, bindparam, func, insert, select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

GENESIS = bytes(32)  # the hash "before" the first event
DOMAIN_TAG = b"corral-chain-1"
BATCH = 1000
CHANGED = (
    "its event does not match its hash (changed since it was recorded, or an event before it was removed or moved)"
)
_AFTER: Any = bindparam("after")


def link_hash(
    previous: bytes, position: int, originator_id: UUID | bytes, version: int, topic: Any, state: Any
) -> bytes:
    """The chain hash of one stored event: fixed-width integers and length-prefixed fields, so that no two
    different events encode alike."""
    digest = hashlib.sha256(DOMAIN_TAG)
    digest.update(previous)
    digest.update(struct.pack(">qq", position, version))
    identity = originator_id.bytes if isinstance(originator_id, UUID) else bytes(originator_id)
    for field in (identity, _raw(topic), _raw(state)):
        digest.update(struct.pack(">Q", len(field)))
        digest.update(field)
    return digest.digest()


def _raw(value: str | bytes | memoryview) -> bytes:
    """A column's stored bytes (SQLite keeps whatever type it is given, so a tampered blob may read back as text)."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)


def sibling_name(events_table_name: str, suffix: str) -> str:
    """A table named after the events table: `corral_events` gives `corral_chain` for "chain"."""
    stem = events_table_name.removesuffix("events")
    return f"{stem}{suffix}"


@dataclass(frozen=True)
class Break:
    """Where the chain breaks first, and what is wrong there, in plain words."""

    position: int
    what: str


@dataclass(frozen=True)
class Walk:
    """What verifying found: how many events are chained and hold, the head they reach, the events past the chain's
    head (not chained yet), and the first break."""

    events: int
    head_position: int
    head_hash: bytes
    unchained: int
    first_unchained: int | None
    broken: Break | None


class Chain:
    """The chain's table and the statements over it and the events table."""

    def __init__(self, events: Table, schema: str | None, *, raw_ids: bool = False) -> None:
        """`raw_ids`: read originator ids as their stored bytes when verifying (SQLite's 16-byte blobs), so that a
        tampered one is a break, not an error."""
        self.events, self.raw_ids = events, raw_ids
        self.table = Table(
            sibling_name(events.name, "chain"),
            MetaData(schema=schema),
            Column("position", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
            Column("hash", LargeBinary(32), nullable=False),
        )
        prefix = f"{schema}." if schema else ""
        self.qualified = f"{prefix}{self.table.name}"
        self.events_qualified = f"{prefix}{events.name}"
        self._head = select(self.table.c.position, self.table.c.hash).order_by(self.table.c.position.desc()).limit(1)

    def head(self, session: Session) -> tuple[int, bytes]:
        """The last chained position and its hash (0 and the genesis hash while nothing is chained)."""
        row = session.execute(self._head).first()
        return (row.position, bytes(row.hash)) if row else (0, GENESIS)

    def lock_and_head_sql(self) -> str:
        """PostgreSQL: lock the log as the library does for a save, and read the head, in one round trip."""
        return (
            f"LOCK TABLE {self.events_qualified} IN EXCLUSIVE MODE; "
            f"SELECT position, hash FROM {self.qualified} ORDER BY position DESC LIMIT 1"
        )

    def saving_sql(self, count: int, channel: str, *, chained: bool = True) -> tuple[str, str]:
        """PostgreSQL: a whole save of `count` events as one batch of statements, given as its lock and NOTIFY, then
        its one statement (psycopg2 parameters: each event's originator id, version, topic and state): lock the log as
        the library does, NOTIFY (sent on commit), insert the events and, chained on from the head's hash, their links,
        giving each event's position with its originator id and version (no order of the rows is promised). Sent on an
        autocommit connection, the server runs the batch as one transaction: a collision undoes all of it.
        The links are hashed by the server exactly as `link_hash` hashes them (sha256 of the tag, the previous
        hash, the big-endian position and version, then the length-prefixed id, topic and state)."""
        values = ", ".join(["(%s::uuid, %s, %s, %s)"] * count)
        insert = (
            f"INSERT INTO {self.events_qualified} (originator_id, originator_version, topic, state) VALUES {values} "
            "RETURNING id, originator_id, originator_version, topic, state"
        )
        lock = f"LOCK TABLE {self.events_qualified} IN EXCLUSIVE MODE; NOTIFY {channel}; "
        if not chained:
            return lock, f"WITH ins AS ({insert}) SELECT id, originator_id, originator_version FROM ins"
        topic = "convert_to(e.topic, 'UTF8')"
        link = (
            f"sha256('\\x{DOMAIN_TAG.hex()}'::bytea || l.hash || int8send(e.id) || int8send(e.originator_version::bigint)"
            f" || int8send(16) || uuid_send(e.originator_id) || int8send(octet_length({topic})) || {topic}"
            " || int8send(octet_length(e.state)) || e.state)"
        )
        head = (
            f"coalesce((SELECT hash FROM {self.qualified} ORDER BY position DESC LIMIT 1), '\\x{GENESIS.hex()}'::bytea)"
        )
        if count == 1:  # most saves: no need to number the events and chain them one by one
            single = link.replace("l.hash", head)
            return lock, (
                f"WITH ins AS ({insert}), chained AS (INSERT INTO {self.qualified} (position, hash) "
                f"SELECT e.id, {single} FROM ins e) SELECT id, originator_id, originator_version FROM ins"
            )
        return lock, (
            f"WITH RECURSIVE ins AS ({insert}), "
            "numbered AS (SELECT row_number() OVER (ORDER BY id) AS n, ins.* FROM ins), "
            "links (n, position, hash) AS ("
            f"SELECT 0::bigint, 0::bigint, {head} "
            f"UNION ALL SELECT e.n, e.id, {link} FROM links l JOIN numbered e ON e.n = l.n + 1), "
            f"chained AS (INSERT INTO {self.qualified} (position, hash) SELECT position, hash FROM links WHERE n > 0) "
            "SELECT id, originator_id, originator_version FROM ins"
        )

    def insert_sql(self, count: int) -> str:
        """PostgreSQL: the INSERT of `count` links (psycopg2 parameters)."""
        return f"INSERT INTO {self.qualified} (position, hash) VALUES {', '.join(['(%s, %s)'] * count)}"

    def links(self, head: bytes, events: Sequence[Any]) -> list[tuple[int, bytes]]:
        """The positions and hashes of newly stored events (rows with id, originator_id, originator_version, topic,
        state), chained on from the head's hash."""
        links = []
        for event in events:
            head = link_hash(head, event.id, event.originator_id, event.originator_version, event.topic, event.state)
            links.append((event.id, head))
        return links

    def write(self, session: Session, links: Sequence[tuple[int, bytes]]) -> None:
        """Insert the links through the session (any database)."""
        if links:
            session.execute(insert(self.table), [{"position": p, "hash": h} for p, h in links])

    def is_behind(self, session: Session) -> tuple[int, int] | None:
        """The chain's head and the log's highest position, when the log has events the chain does not reach (a log
        written before the chain, or rows inserted outside Corral); else None. Two index lookups."""
        chained, logged = self.heads(session)
        return (chained, logged) if logged > chained else None

    def heads(self, session: Session) -> tuple[int, int]:
        """The chain's highest position and the log's, read in one statement: on SQLite, where reads run outside a
        transaction, two statements could straddle another process's save."""
        chained = select(func.max(self.table.c.position)).scalar_subquery()
        logged = select(func.max(self.events.c.id)).scalar_subquery()
        row = session.execute(select(chained, logged)).one()
        return row[0] or 0, row[1] or 0

    def chain_the_rest(self, session: Session) -> int:
        """Chain every event after the chain's head (the one-time migration of a log written before the chain), in
        batches; the caller holds the transaction and the log's lock. The number chained."""
        position, head = self.head(session)
        count = 0
        for batch in _batches(session, self._events_after(), position, self.heads(session)[1]):
            links = self.links(head, batch)
            self.write(session, links)
            head, count = links[-1][1], count + len(links)
        return count

    def walk(self, session: Session, checkpoint: tuple[int, bytes] | None = None) -> Walk:
        """Recompute the chain from the genesis hash and compare with the stored hashes (and the checkpoint's, at its
        position); stop at the first break."""
        tip, logged = self.heads(session)
        upto = max(tip, logged)  # saves committed during the walk come after: they are left to the next walk
        computed, events, last, unchained, first_unchained = GENESIS, 0, 0, 0, None
        for position, event, stored in _merged(session, self._events_after(), self._links_after(), upto):
            if event is not None and stored is None and position > tip:
                unchained, first_unchained = unchained + 1, first_unchained or position
                continue
            if checkpoint is not None and last < checkpoint[0] < position:
                return _walk(
                    events, last, computed, Break(checkpoint[0], "the checkpoint's event is missing (deleted)")
                )
            expected = None if event is None or stored is None else _recomputed(computed, position, event)
            pinned = checkpoint[1] if checkpoint is not None and checkpoint[0] == position else None
            fault = _fault(event, stored, expected, pinned)
            if fault is not None or expected is None:
                return _walk(events, last, computed, Break(position, fault or CHANGED))
            computed, events, last = expected, events + 1, position
        if checkpoint is not None and last < checkpoint[0]:
            what = f"the chain ends at position {last}, before the checkpoint's: events were removed"
            return _walk(events, last, computed, Break(checkpoint[0], what))
        return Walk(events, last, computed, unchained, first_unchained, None)

    def _events_after(self) -> Any:
        table = self.events
        identity = type_coerce(table.c.originator_id, LargeBinary) if self.raw_ids else table.c.originator_id
        columns = (
            table.c.id,
            identity.label("originator_id"),
            table.c.originator_version,
            table.c.topic,
            table.c.state,
        )
        query = select(*columns).where(table.c.id > _AFTER, table.c.id <= bindparam("upto"))
        return query.order_by(table.c.id).limit(BATCH)

    def _links_after(self) -> Any:
        table = self.table
        query = select(table.c.position, table.c.hash).where(table.c.position > _AFTER)
        return query.where(table.c.position <= bindparam("upto")).order_by(table.c.position).limit(BATCH)


def _recomputed(previous: bytes, position: int, event: Any) -> bytes | None:
    """The event's hash chained on from `previous`; None if its stored values are no longer of their types (SQLite
    keeps whatever it is given)."""
    try:
        return link_hash(previous, position, event.originator_id, event.originator_version, event.topic, event.state)
    except (TypeError, ValueError, struct.error):
        return None


def _fault(event: Any, stored: bytes | None, expected: bytes | None, pinned: bytes | None) -> str | None:
    """What is wrong at one position of the chain, if anything: `expected` is the hash recomputed from the genesis,
    `pinned` the checkpoint's hash where the checkpoint is at this position."""
    if event is None:
        return "its event is missing (deleted)"
    if stored is None:
        return "its event has no hash: it was inserted outside Corral"
    if expected != stored:
        return CHANGED
    if pinned is not None and expected != pinned:
        return "the log up to here was rewritten since the checkpoint (its hash differs from the checkpoint's)"
    return None


def _walk(events: int, last: int, computed: bytes, broken: Break) -> Walk:
    return Walk(events, last, computed, 0, None, broken)


def _batches(session: Session, query: Any, after: int, upto: int) -> Iterator[Sequence[Any]]:
    """Rows of a keyset-paged query (its first column the position), a batch at a time, up to `upto`."""
    while True:
        rows = session.execute(query, {"after": after, "upto": upto}).all()
        if rows:
            yield rows
        if len(rows) < BATCH:
            return
        after = rows[-1][0]


def _merged(session: Session, events: Any, links: Any, upto: int) -> Iterator[tuple[int, Any, bytes | None]]:
    """Every position either table holds, in order, with its event and its stored hash (None where one is absent).
    Each table is read a batch at a time."""
    event_rows = (row for batch in _batches(session, events, 0, upto) for row in batch)
    link_rows = (row for batch in _batches(session, links, 0, upto) for row in batch)
    event, link = next(event_rows, None), next(link_rows, None)
    while event is not None or link is not None:
        if event is not None and (link is None or event.id < link.position):
            yield event.id, event, None
            event = next(event_rows, None)
        elif link is not None and (event is None or link.position < event.id):
            yield link.position, None, bytes(link.hash)
            link = next(link_rows, None)
        elif event is not None and link is not None:
            yield event.id, event, bytes(link.hash)
            event, link = next(event_rows, None), next(link_rows, None)
