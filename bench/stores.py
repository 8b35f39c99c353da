"""Throwaway event stores for a benchmark run: a fresh PostgreSQL schema or a SQLite file in a temporary folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import psycopg2
from eventsourcing.persistence import StoredEvent
from sqlalchemy.engine import make_url

from api.storage.settings import Settings
from domain.application import Corral

POSTGRES_URL = os.environ.get("CORRAL_BENCH_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def is_postgres(settings: Settings) -> bool:
    """True when the store is on PostgreSQL."""
    return settings.database_url.startswith("postgresql")


def database_name(settings: Settings) -> str:
    """`postgresql` or `sqlite`, for result names."""
    return "postgresql" if is_postgres(settings) else "sqlite"


def connect(settings: Settings) -> Any:
    """A bare psycopg2 connection to the store's database, with the store's schema first on the search path."""
    args = make_url(settings.database_url).translate_connect_args(username="user", database="dbname")
    if settings.database_schema:
        args["options"] = f"-c search_path={settings.database_schema}"
    return psycopg2.connect(**args)


@contextmanager
def postgres_store(url: str = POSTGRES_URL) -> Iterator[Settings]:
    """Settings for an empty store in a new schema `b_<random>`, dropped on exit."""
    schema = f"b_{uuid.uuid4().hex[:12]}"
    run_as_admin(url, f"CREATE SCHEMA {schema}")
    try:
        yield Settings(database_url=url, database_schema=schema)
    finally:
        run_as_admin(url, f"DROP SCHEMA {schema} CASCADE")  # a new session: a drill may restart the server


def run_as_admin(url: str, statement: str) -> None:
    """Run one statement on the server outside a transaction, in a session of its own (CREATE DATABASE needs that)."""
    admin = connect(Settings(database_url=url))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


@contextmanager
def sqlite_store() -> Iterator[Settings]:
    """Settings for an empty store in a SQLite file, deleted on exit."""
    with TemporaryDirectory(prefix="corral-bench-") as directory:
        yield Settings(database_url=f"sqlite:///{Path(directory) / 'corral.sqlite3'}")


def generating_app(settings: Settings) -> Corral:
    """A Corral whose repository caches aggregates: as the only writer, its commands need not re-read them.

    It records exactly the events the uncached application would; it only loads aggregates faster.
    """
    cache = {"AGGREGATE_CACHE_MAXSIZE": "100000", "AGGREGATE_CACHE_FASTFORWARD": "n"}
    return Corral(env=settings.eventsourcing_env() | cache | {"DEEPCOPY_FROM_AGGREGATE_CACHE": "n"})


def copy_log(source: Corral, target: Corral, batch_size: int = 1000) -> int:
    """Append the source's whole log to the (empty) target's, in order; returns the target's head."""
    position = 0
    while notifications := source.recorder.select_notifications(start=position + 1, limit=batch_size):
        stored = [StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in notifications]
        target.recorder.insert_events(stored)
        position = notifications[-1].id
    return target.recorder.max_notification_id() or 0
