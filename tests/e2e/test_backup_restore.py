"""Backup and restore on PostgreSQL, run as an operator runs it: `pg_dump` of the log (and of the few records that are
not views), a copy of the attachments folder and of the log's signing key; then `pg_restore` into an empty database,
`corral projections rebuild`, and `corral projections verify` passes, the log's checkpoint still verifies, and every
user reads the same answers as before the backup. The views are never backed up: they are rebuilt from the log.

The commands below are the ones README's Operating section gives (with the schema, which production leaves public)."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from api.cli.demo import load_demo, south_devon
from api.storage.attachments import AttachmentStore
from api.storage.settings import Settings
from api.storage.wiring import build_application
from bench.servers import corral_env
from domain import ids
from projections.database import ViewDatabase
from projections.registry import build_projections
from tests.conftest import POSTGRES_URL, fresh_schema
from tests.e2e.serving import caught_up, client_of, demo_signed_in
from tests.e2e.test_projections_cli import CORRAL

pytestmark = pytest.mark.postgres

# The log (its events, snapshots, hash chain and signed checkpoints), and what is not a view: the mail and webhooks
# already sent or waiting (else a rebuild would write them again), the answers to keyed requests, the tokens signed out.
BACKED_UP = ("corral_events", "corral_snapshots", "corral_chain", "corral_checkpoints")
BACKED_UP += ("mail_outbox", "mail_digest", "webhook_outbox", "idempotency_keys", "revoked_tokens")
# Kept by the running processes and safe to start empty: sign-in throttling, each view's position and fault, and the
# active projector's lease (the first projector to start takes it).
NOT_NEEDED = ("sign_in_failures_by_digest", "projection_tracking", "projection_faults", "projector_lease")
PROGRAMME_ID = ids.programme_id(ids.organisation_id(south_devon.CCG), south_devon.HEALTH_ECONOMY, south_devon.YEAR)
PROGRAMME, PATIENT_EXPERIENCE = str(PROGRAMME_ID), str(ids.scheme_id(PROGRAMME_ID, "PATIENT-EXPERIENCE"))


def connection(url: str) -> list[str]:
    """The PostgreSQL client tools' options for the server and user of a URL, and its database."""
    database = make_url(url)
    server = ["-h", str(database.host), "-p", str(database.port or 5432), "-U", str(database.username)]
    return [*server, "-d", str(database.database)]


def backup(url: str, schema: str, dump: Path) -> list[str]:
    """Step 1: the tables that are not views, in one consistent snapshot, while Corral keeps running."""
    tables = [f"--table={schema}.{table}" for table in BACKED_UP]
    return ["pg_dump", *connection(url), "--format=custom", f"--file={dump}", *tables]


def create_schema(url: str, schema: str) -> list[str]:
    """Step 3, before restoring into a schema other than public: create it, empty."""
    return ["psql", *connection(url), "-c", f"CREATE SCHEMA {schema}"]


def restore(url: str, dump: Path) -> list[str]:
    """Step 3: into an empty database, the tables owned by whoever restores them."""
    return ["pg_restore", *connection(url), "--no-owner", "--no-privileges", "--exit-on-error", str(dump)]


def run(argv: list[str], env: dict[str, str] | None = None) -> str:
    """Run one command; its output, or the test fails with it."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{argv[0]} {argv[1:3]} exited {done.returncode}: {done.stdout}{done.stderr}"
    return done.stdout


@contextmanager
def empty_database() -> Iterator[str]:
    """A new empty PostgreSQL database on the test server (its URL), dropped on exit."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES_URL.replace("postgresql+psycopg2://", "postgresql://"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


def answers(client: TestClient, head: int) -> dict[str, Any]:
    """What a commissioner and a provider read, once the views have applied the log up to `head`: programmes,
    progress, payments, the whole audit trail, their queues, a submission and its attachment's bytes."""
    caught_up(client, head, demo_signed_in(client, "sdt-ccg.quality"))
    read: dict[str, Any] = {}
    for username in ("sdt-ccg.quality", "msh.quality", "sdhft.quality"):
        headers = demo_signed_in(client, username)
        paths = ["/api/v1/programmes", "/api/v1/me/queue", "/api/v1/me/notifications"]
        paths += [f"/api/v1/programmes/{PROGRAMME}/payments"]
        paths += [f"/api/v1/programmes/{PROGRAMME}/progress", f"/api/v1/programmes/{PROGRAMME}/audit?limit=1000"]
        for path in paths:
            answer = client.get(path, headers=headers)
            read[f"{username} {path}"] = (answer.status_code, answer.json())
    trail = read[f"sdt-ccg.quality /api/v1/programmes/{PROGRAMME}/audit?limit=1000"][1]
    assert trail["next_before"] is None and len(trail["entries"]) > 100
    submission = next(e["aggregate_id"] for e in trail["entries"] if e["aggregate_type"] == "Submission")
    headers = demo_signed_in(client, "sdt-ccg.quality")
    evidence = client.get(f"/api/v1/submissions/{submission}", headers=headers).json()
    sha256 = evidence["evidence"]["attachments"][0]["sha256"]
    read["submission"] = evidence
    read["attachment"] = client.get(f"/api/v1/submissions/{submission}/attachments/{sha256}", headers=headers).content
    return read


def tables_of(url: str, schema: str) -> set[str]:
    """Every table in the schema."""
    connection = psycopg2.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    with connection, connection.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))
        names = {row[0] for row in cur.fetchall()}
    connection.close()
    return names


@pytest.fixture
def postgres(postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")


def settings_in(folder: Path, url: str, schema: str) -> Settings:
    """A server's settings on this database, its files (attachments, the log's signing key, mail) in `folder`."""
    return Settings(
        database_url=url,
        database_schema=schema,
        attachments_dir=folder / "attachments",
        log_signing_key_file=folder / "keys" / "log-signing.pem",
        mail_dir=folder / "mail",
        secret_key=SecretStr("s" * 48),
        embedded_projector=True,
    )


def mail_sent(client: TestClient, mail_dir: Path) -> int:
    """A provider chooses email at once and its lead nudges it; the position, once the mail has gone."""
    headers = demo_signed_in(client, "sdhft.quality")
    assert client.post("/api/v1/me/email", json={"choice": "immediate"}, headers=headers).status_code == 200
    nudge = {"provider_id": str(ids.organisation_id(south_devon.ACUTE)), "message": "Q3 is due"}
    path = f"/api/v1/schemes/{PATIENT_EXPERIENCE}/quarters/Q3/nudges"
    nudged = client.post(path, json=nudge, headers=demo_signed_in(client, "msh.quality"))
    assert nudged.status_code == 200, nudged.text
    for _ in range(300):  # the mailer looks every second
        if list(mail_dir.glob("*.eml")):
            break
        time.sleep(0.1)
    assert len(list(mail_dir.glob("*.eml"))) == 1
    position: int = nudged.json()["position"]
    return position


def outbox(url: str, schema: str) -> tuple[int, int]:
    """The mail in the outbox: (all, sent)."""
    with closing(psycopg2.connect(make_url(url).set(drivername="postgresql").render_as_string(False))) as conn:
        with conn.cursor() as cur:
            cur.execute(f"SELECT count(*), count(sent_at) FROM {schema}.mail_outbox")
            counted: tuple[int, int] = cur.fetchone()  # type: ignore[assignment]
    return counted


def test_given_a_backup_of_the_log_attachments_and_keys_when_restored_and_rebuilt_then_verify_passes_and_users_read_the_same(
    postgres: None, tmp_path: Path
) -> None:
    with fresh_schema() as schema, empty_database() as restored_url:
        served = settings_in(tmp_path / "served", POSTGRES_URL, schema)
        app = build_application(served)
        load_demo(app, AttachmentStore.of(served))
        app.close()
        served_env = corral_env(served, log_signing_key_file=served.log_signing_key_file)
        run([str(CORRAL), "log", "checkpoint", "--out", str(tmp_path / "checkpoint.json")], served_env)
        with client_of(served) as client:
            head = mail_sent(client, served.mail_dir)
            before = answers(client, head)
            # 1. the database; 2. the attachments folder and the log's signing key (and the secret and cipher keys,
            # kept outside the state volume: here the secret key is in the settings)
            run(backup(POSTGRES_URL, schema, tmp_path / "corral.dump"))
            shutil.copytree(served.attachments_dir, tmp_path / "backup" / "attachments")
            shutil.copytree(served.log_signing_key_path().parent, tmp_path / "backup" / "keys")
        views = {t.name for p in build_projections(ViewDatabase(POSTGRES_URL, schema)) for t in p.view.tables}
        unclassified = tables_of(POSTGRES_URL, schema) - set(BACKED_UP) - set(NOT_NEEDED) - views
        assert unclassified == set(), "a table neither backed up, nor a view, nor safe to start empty"

        # 3. into an empty database; 4. the files back in place; 5. rebuild the views; verify them and the log
        run(create_schema(restored_url, schema))
        run(restore(restored_url, tmp_path / "corral.dump"))
        restored = settings_in(tmp_path / "backup", restored_url, schema)
        env = corral_env(restored, log_signing_key_file=restored.log_signing_key_file)
        rebuilt = run([str(CORRAL), "projections", "rebuild"], env)
        verified = run([str(CORRAL), "projections", "verify"], env)
        run([str(CORRAL), "log", "verify", "--checkpoint", str(tmp_path / "checkpoint.json")], env)
        mail_after_rebuild = outbox(restored_url, schema)
        with client_of(restored) as client:
            after = answers(client, head)
            added = client.post(
                "/api/v1/me/email", json={"choice": "daily"}, headers=demo_signed_in(client, "sdhft.quality")
            )

    assert "rebuilt to position" in rebuilt and "every view equals a fresh rebuild" in verified
    assert after == before
    assert mail_after_rebuild == (1, 1), "the mail sent before the backup is neither lost nor sent again"
    assert added.status_code == 200 and added.json()["position"] == head + 1
