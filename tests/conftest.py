"""Fixtures shared by every tier: the databases the application tests run on."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest

from api.http.security import use_hashing
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.application import Corral

# Passwords are hashed with OWASP's least argon2id parameters here and in every server and command a test starts (it
# inherits this environment): a fifth of the default's work at each of the suite's thousands of sign-ins.
# tests/unit/test_password_hashing.py holds the default to RFC 9106's.
os.environ.setdefault("CORRAL_PASSWORD_HASHING", "owasp-minimum")
use_hashing(os.environ["CORRAL_PASSWORD_HASHING"])

POSTGRES_URL = os.environ.get("CORRAL_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def _postgres_dsn() -> str:
    return POSTGRES_URL.replace("postgresql+psycopg2://", "postgresql://")


def postgres_answers() -> bool:
    """True when the PostgreSQL server accepts a connection."""
    try:
        psycopg2.connect(_postgres_dsn(), connect_timeout=3).close()
    except psycopg2.OperationalError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    answers = postgres_answers()
    if not answers and os.environ.get("CORRAL_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"CORRAL_REQUIRE_POSTGRES=1 but no PostgreSQL answers at {POSTGRES_URL}")
    return answers


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A new PostgreSQL schema, dropped on exit: each test gets its own instead of truncating tables."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(_postgres_dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {name}")
    try:
        yield name
    finally:
        with conn.cursor() as cur:
            # A connection left open by the code under test would block this for ever: fail instead.
            cur.execute("SET lock_timeout = '30s'")
            cur.execute(f"DROP SCHEMA {name} CASCADE")
        conn.close()


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def empty_store(request: pytest.FixtureRequest, directory: Path) -> Iterator[Settings]:
    """Settings for an empty event store on the database named by the fixture's param, its files (attachments, the
    log's signing key) kept in `directory`."""
    files = {"attachments_dir": directory / "attachments", "log_signing_key_file": directory / "log-signing-key.pem"}
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite:///{directory / 'corral.sqlite3'}", **files)
        return
    if not request.getfixturevalue("postgres_available"):
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with fresh_schema() as schema:
        yield Settings(database_url=POSTGRES_URL, database_schema=schema, **files)


@pytest.fixture(params=DATABASES)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for an empty event store on each database in turn."""
    with empty_store(request, tmp_path) as store:
        yield store


@pytest.fixture
def app(settings: Settings) -> Iterator[Corral]:
    """A Corral application on an empty event store."""
    application = build_application(settings)
    yield application
    application.close()
