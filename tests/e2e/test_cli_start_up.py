"""Starting Corral as an operator would: settings it cannot run with stop it at once in plain words (exit status
2, no traceback, no password), and `corral serve` and `corral projector` wait for a database that does not answer
yet, saying so, until it does or their start-up time is up."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.storage.settings import Settings
from bench.stores import run_as_admin
from bench.servers import CORRAL, corral, corral_env, free_port, running
from tests.conftest import POSTGRES_URL, fresh_schema

PASSWORD = "hunter2-not-to-be-printed"
SECRET = "s" * 48


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CORRAL), *args], env=env, capture_output=True, text=True, timeout=120)


def postgres_env(tmp_path: Path, url: str, **values: str | float | None) -> dict[str, str]:
    values = {"attachments_dir": str(tmp_path / "files"), "embedded_projector": "false", **values}
    return corral_env(Settings(database_url=url), **values) | {"COLUMNS": "200"}


def with_password(url: str) -> str:
    return url.replace("postgres@", f"postgres:{PASSWORD}@")


@pytest.mark.parametrize(
    ("secret", "refusal"),
    [(None, "set CORRAL_SECRET_KEY"), ("too-short", "CORRAL_SECRET_KEY is shorter than 32 characters")],
)
def test_a_server_on_postgresql_without_a_long_enough_secret_key_refuses_to_start(
    tmp_path: Path, secret: str | None, refusal: str
) -> None:
    refused = run(postgres_env(tmp_path, POSTGRES_URL, secret_key=secret), "serve", "--port", str(free_port()))

    assert refused.returncode == 2
    assert refused.stdout.startswith("Corral cannot start: ") and refusal in refused.stdout
    assert "Traceback" not in refused.stderr and "too-short" not in refused.stdout + refused.stderr


@pytest.mark.parametrize(
    "url",
    [
        f"mysql://corral:{PASSWORD}@db/corral",
        f"postgresql://corral:{PASSWORD}@db/corral",  # a driver Corral does not use
        "sqlite://",  # a database in memory, gone when the process ends
        f"not a url {PASSWORD}",
    ],
)
@pytest.mark.parametrize("command", [["serve"], ["projector"], ["projections", "status"]])
def test_a_database_url_corral_cannot_use_stops_every_command_without_printing_it_whole(
    url: str, command: list[str]
) -> None:
    refused = run(corral_env(Settings(), database_url=url), *command)

    assert refused.returncode == 2
    assert refused.stdout.startswith("Corral cannot start: CORRAL_DATABASE_URL: ")
    assert "Traceback" not in refused.stderr and PASSWORD not in refused.stdout + refused.stderr


def test_corral_demo_names_its_database_without_the_password(tmp_path: Path, postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers")
    with fresh_schema() as schema:
        loaded = run(postgres_env(tmp_path, with_password(POSTGRES_URL), database_schema=schema), "demo")

    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "event store: postgresql+psycopg2://postgres:***@" in loaded.stdout
    assert PASSWORD not in loaded.stdout + loaded.stderr


@pytest.mark.parametrize("command", ["serve", "projector"])
def test_a_database_that_never_answers_stops_start_up_after_its_time_saying_why(tmp_path: Path, command: str) -> None:
    nowhere = f"postgresql+psycopg2://postgres:{PASSWORD}@127.0.0.1:{free_port()}/corral"
    env = postgres_env(tmp_path, nowhere, secret_key=SECRET, start_timeout_seconds=2)

    gave_up = run(env, command, *(["--port", str(free_port())] if command == "serve" else []))

    assert gave_up.returncode == 2
    assert gave_up.stdout.startswith("Corral cannot start: the database did not answer within 2 s (")
    assert "Connection refused" in gave_up.stdout
    waits = [line for line in gave_up.stderr.splitlines() if "the database does not answer (" in line]
    assert len(waits) >= 2 and all("trying again in" in line for line in waits)
    assert "Traceback" not in gave_up.stderr and PASSWORD not in gave_up.stdout + gave_up.stderr


@pytest.fixture
def late_database(postgres_available: bool) -> Iterator[str]:
    """The name of a database that does not exist yet; dropped at the end."""
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers")
    name = f"corral_late_{uuid.uuid4().hex[:8]}"
    yield name
    run_as_admin(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def create_once_waited_for(log: Path, database: str, seconds: float = 60) -> None:
    """Create the database once the server's log says it waits for it: a fixed delay could end before a loaded
    machine has even started the server (or after `seconds`, when the test's checks will say what is missing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (log.exists() and "trying again in" in log.read_text(errors="replace")):
        time.sleep(0.05)
    run_as_admin(POSTGRES_URL, f"CREATE DATABASE {database}")


def test_a_server_started_before_its_database_waits_for_it_and_becomes_ready(
    tmp_path: Path, late_database: str
) -> None:
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{late_database}"
    env = postgres_env(tmp_path, url, secret_key=SECRET)
    created = threading.Thread(target=create_once_waited_for, args=[tmp_path / "serve.log", late_database])
    created.start()
    try:
        with running(corral(env, "serve", port=free_port(), ready="/readyz", log=tmp_path / "serve.log")):
            pass  # it answered 200 on /readyz
    finally:
        created.join()
    waited = (tmp_path / "serve.log").read_text()

    assert "the database does not answer (" in waited and late_database in waited and "does not exist" in waited
    assert "trying again in" in waited
