"""A server starts from a read-only working directory, as the image runs it: root-owned code, every file Corral writes
under one state directory (the image's /var/lib/corral volume).

The read-only directory is a bind mount in a mount namespace of the server's own (`unshare --mount`)."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import httpx
import pytest

from api.storage.settings import Settings
from bench.servers import CORRAL, Service, corral_env, free_port

READ_ONLY = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && cd "$1" && shift && exec "$@"'


def read_only_server(app_dir: Path, env: dict[str, str]) -> Service:
    """`corral serve` in its own mount namespace, its working directory `app_dir` made read-only there."""
    command = ["unshare", "--mount", "sh", "-c", READ_ONLY, "sh", str(app_dir), str(CORRAL), "serve"]
    return Service(command, env, port=free_port(), ready="/readyz", timeout=60)


def state_settings(settings: Settings, state: Path) -> dict[str, str]:
    """The environment the image gives: everything written under `state`."""
    database = settings.database_url
    if settings.sqlite_path() is not None:
        database = f"sqlite:///{state / 'corral.sqlite3'}"
    return corral_env(
        Settings(database_url=database, database_schema=settings.database_schema),
        attachments_dir=state / "attachments",
        mail_dir=state / "mail",
        log_signing_key_file=state / "keys" / "log-signing.pem",
        secret_key=None if settings.sqlite_path() else secrets.token_urlsafe(48),
    )


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    mounted = subprocess.run(["unshare", "--mount", "sh", "-c", READ_ONLY, "sh", str(folder), "true"], check=False)
    written = subprocess.run(
        ["unshare", "--mount", "sh", "-c", READ_ONLY, "sh", str(folder), "touch", "written"], capture_output=True
    )
    assert mounted.returncode == 0, "this machine cannot make a read-only bind mount (unshare --mount)"
    assert written.returncode != 0 and b"Read-only file system" in written.stderr
    return folder


def test_given_a_read_only_working_directory_when_every_written_file_goes_to_the_state_directory_then_it_serves(
    settings: Settings, app_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    server = read_only_server(app_dir, state_settings(settings, state))
    try:
        server.start()
        ready = httpx.get(f"{server.http}/readyz", timeout=5)
        page = httpx.get(f"{server.http}/sign-in", timeout=5)
    finally:
        server.close()

    assert (ready.status_code, page.status_code) == (200, 200)
    assert list(app_dir.iterdir()) == []
    if settings.sqlite_path() is not None:
        assert (state / "corral.sqlite3").is_file()
