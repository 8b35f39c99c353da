"""Raw baselines, in the store's own database: batched INSERTs through the bare driver, and a bare wake-up round trip."""

from __future__ import annotations

import queue
import select
import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from time import perf_counter, sleep
from typing import Any

import psycopg2.extras

from api.storage.settings import Settings
from bench.results import Latencies
from bench.stores import connect, is_postgres

COLUMNS = "position, occurred_at, event_type, aggregate_id, actor_user_id, description"
TABLE = "(position BIGINT PRIMARY KEY, occurred_at TIMESTAMP, event_type TEXT, aggregate_id TEXT, actor_user_id TEXT, description TEXT)"  # noqa: E501


def rows(count: int) -> list[tuple[Any, ...]]:
    """Rows about as wide as an audit-trail row: a bigint, four texts and a timestamp."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return [
        (
            position,
            now,
            "EvidenceRevised",
            str(uuid.uuid5(uuid.NAMESPACE_OID, str(position))),
            "bench-p1.quality",
            f"Bench provider {position % 6} revised its Q{position % 4 + 1} evidence for scheme {position % 7}.",
        )
        for position in range(1, count + 1)
    ]


def insert_rate(settings: Settings, count: int, batch_size: int = 1000) -> float:
    """Rows/s written `batch_size` rows a transaction into a fresh table, each batch sent as the driver batches best:
    one multi-row INSERT (psycopg2's `execute_values`) or one `executemany` (sqlite3). The session is as durable as
    the views' own (`synchronous_commit=off` on PostgreSQL; WAL and `synchronous=NORMAL` on SQLite), so the baseline is not slowed by waits
    the views do not make."""
    table = f"raw_{uuid.uuid4().hex[:8]}"
    values = rows(count)
    if is_postgres(settings):
        conn = connect(settings)
        with conn.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        write = _postgres_batch(table, batch_size)
    else:
        conn = sqlite3.connect(str(settings.sqlite_path()))
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        write = _sqlite_batch(table)
    try:
        cursor = conn.cursor()
        cursor.execute(f"CREATE TABLE {table} {TABLE}")
        conn.commit()
        started = perf_counter()
        for start in range(0, count, batch_size):
            write(cursor, values[start : start + batch_size])
            conn.commit()
        seconds = perf_counter() - started
        cursor.execute(f"DROP TABLE {table}")
        conn.commit()
    finally:
        conn.close()
    return count / seconds


BatchWriter = Callable[[Any, list[tuple[Any, ...]]], None]


def _postgres_batch(table: str, batch_size: int) -> BatchWriter:
    statement = f"INSERT INTO {table} ({COLUMNS}) VALUES %s"
    return lambda cursor, batch: psycopg2.extras.execute_values(cursor, statement, batch, page_size=batch_size)


def _sqlite_batch(table: str) -> BatchWriter:
    statement = f"INSERT INTO {table} ({COLUMNS}) VALUES ({', '.join(['?'] * 6)})"
    return lambda cursor, batch: cursor.executemany(statement, batch)


def wake_up_round_trips(settings: Settings, samples: int, poll_interval: float = 0.05) -> tuple[Latencies, Latencies]:
    """(from the start of INSERT+COMMIT to another connection knowing of it, from the commit's return to then).

    PostgreSQL: INSERT and NOTIFY in one transaction, as the event store does; a thread select()s on a LISTENing
    connection. SQLite cannot notify: a thread polls max(position) every `poll_interval`, as the projector does.
    """
    if is_postgres(settings):
        return _round_trips(settings, samples, _postgres_pair)
    return _round_trips(settings, samples, lambda s, table: _sqlite_pair(s, table, poll_interval))


Writer = Callable[[int], None]
Listener = Callable[[threading.Event, "queue.Queue[tuple[int, float]]"], None]


def _round_trips(
    settings: Settings, samples: int, pair: Callable[[Settings, str], tuple[Writer, Listener, Callable[[], None]]]
) -> tuple[Latencies, Latencies]:
    table = f"raw_{uuid.uuid4().hex[:8]}"
    write, listen, close = pair(settings, table)
    heard: queue.Queue[tuple[int, float]] = queue.Queue()
    stopping = threading.Event()
    listener = threading.Thread(target=listen, args=(stopping, heard), daemon=True)
    listener.start()
    sleep(0.05)
    whole, after_commit = [], []
    try:
        for position in range(1, samples + 1):
            started = perf_counter()
            write(position)
            committed = perf_counter()
            while (received := heard.get(timeout=10))[0] < position:
                pass
            whole.append(received[1] - started)
            after_commit.append(received[1] - committed)
    finally:
        stopping.set()
        listener.join(timeout=5)
        close()
    return Latencies(tuple(whole)), Latencies(tuple(after_commit))


def _postgres_pair(settings: Settings, table: str) -> tuple[Writer, Listener, Callable[[], None]]:
    writer, listening = connect(settings), connect(settings)
    listening.autocommit = True
    channel = f"{table}_channel"
    with writer.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} {TABLE}")
    writer.commit()
    with listening.cursor() as cursor:
        cursor.execute(f"LISTEN {channel}")
    values = rows(1)[0][1:]

    def write(position: int) -> None:
        with writer.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)", (position, *values))
            cursor.execute(f"NOTIFY {channel}, %s", (str(position),))
        writer.commit()

    def listen(stopping: threading.Event, heard: queue.Queue[tuple[int, float]]) -> None:
        while not stopping.is_set():
            if select.select([listening], [], [], 0.2)[0]:
                listening.poll()
                now = perf_counter()
                while listening.notifies:
                    heard.put((int(listening.notifies.pop(0).payload), now))

    def close() -> None:
        with writer.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")
        writer.commit()
        writer.close()
        listening.close()

    return write, listen, close


def _sqlite_pair(settings: Settings, table: str, interval: float) -> tuple[Writer, Listener, Callable[[], None]]:
    path = str(settings.sqlite_path())
    writer = sqlite3.connect(path, check_same_thread=False)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute(f"CREATE TABLE {table} {TABLE}")
    writer.commit()
    values = rows(1)[0][1:]

    def write(position: int) -> None:
        writer.execute(f"INSERT INTO {table} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", (position, *values))
        writer.commit()

    def listen(stopping: threading.Event, heard: queue.Queue[tuple[int, float]]) -> None:
        reader = sqlite3.connect(path)
        seen = 0
        while not stopping.wait(interval):
            latest = reader.execute(f"SELECT max(position) FROM {table}").fetchone()[0] or 0
            if latest > seen:
                seen = latest
                heard.put((latest, perf_counter()))
        reader.close()

    def close() -> None:
        writer.execute(f"DROP TABLE {table}")
        writer.commit()
        writer.close()

    return write, listen, close
