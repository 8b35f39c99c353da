"""A server starts as the image runs it: as an unprivileged user, from a read-only working directory of root-owned
code, every file Corral writes under one state directory that user owns (the image's /var/lib/corral volume).

No Docker engine is needed: the server gets a mount namespace of its own (`unshare --mount`), in which its working
directory is a read-only bind mount, then drops to uid and gid 65534 (`setpriv`) before it starts. A folder on the
interpreter's path that other users may not enter (pyenv's under /root) is shown to it through a bind mount, as an
image would install Python where every user can read it."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.storage.settings import Settings
from bench.servers import CORRAL, Service, corral_env, free_port

UNPRIVILEGED = 65534  # nobody

# $1: the working directory to make read-only; $2: a folder others may not enter ("" if none), $3: an empty
# world-readable folder to show in its place, $4: the names under $2 to show there; then the command. Every mount is
# made inside the namespace, which ends with the server: nothing is ever mounted where the test's clean-up deletes.
AS_THE_IMAGE_RUNS = """set -e
app="$1" hidden="$2" shown="$3" children="$4"; shift 4
mount --bind "$app" "$app" && mount -o remount,bind,ro "$app"
for child in $children; do mkdir "$shown/$child" && mount --rbind "$hidden/$child" "$shown/$child"; done
[ -z "$hidden" ] || mount --rbind "$shown" "$hidden"
cd "$app"
exec setpriv --reuid=%(uid)d --regid=%(uid)d --clear-groups "$@"
""" % {"uid": UNPRIVILEGED}


def needed_paths() -> list[Path]:
    """The interpreter's installation, the virtualenv and the code: what the server must be able to read."""
    return [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(__file__).resolve().parents[2]]


def hidden_folder() -> Path | None:
    """The folder on the way to what the server reads that others may not enter, if any."""
    hidden = {a for path in needed_paths() for a in path.parents if not a.stat().st_mode & 0o001}
    assert len(hidden) <= 1, f"more than one folder on the interpreter's path is closed to others: {sorted(hidden)}"
    return next(iter(hidden), None)


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A folder other users may enter (pytest's own tmp_path is its owner's only)."""
    folder = Path(tempfile.mkdtemp(prefix="corral-image-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        mounted = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
        assert not [m for m in mounted if m.startswith(str(folder))], "a mount leaked out of the server's namespace"
        shutil.rmtree(folder, ignore_errors=True)


def server_as_the_image_runs_it(app_dir: Path, env: dict[str, str], scratch: Path) -> Service:
    """`corral serve` as uid 65534 in its own mount namespace, its working directory `app_dir` read-only there."""
    hidden, shown = hidden_folder(), scratch / "shown"
    shown.mkdir(mode=0o755)
    children = sorted({p.relative_to(hidden).parts[0] for p in needed_paths() if hidden in p.parents}) if hidden else []
    paths = [str(app_dir), str(hidden or ""), str(shown), " ".join(children)]
    command = ["unshare", "--mount", "--propagation", "private", "sh", "-c", AS_THE_IMAGE_RUNS, "sh", *paths]
    command += [str(CORRAL), "serve"]
    return Service(command, env | {"PYTHONDONTWRITEBYTECODE": "1"}, port=free_port(), ready="/readyz", timeout=60)


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


def uid_of(pid: int) -> int:
    """The real uid of a running process."""
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:"))
    return int(line.split()[1])


@pytest.fixture
def app_dir(scratch: Path) -> Path:
    folder = scratch / "app"
    folder.mkdir(mode=0o755)
    written = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", AS_THE_IMAGE_RUNS, "sh", str(folder), "", "", ""]
        + ["touch", "written"],
        capture_output=True,
    )
    assert b"Read-only file system" in written.stderr, "this machine cannot make a read-only bind mount"
    return folder


def test_given_an_unprivileged_user_and_a_read_only_working_directory_when_it_writes_only_its_state_then_it_serves(
    settings: Settings, app_dir: Path, scratch: Path
) -> None:
    state = scratch / "state"
    state.mkdir()
    os.chown(state, UNPRIVILEGED, UNPRIVILEGED)
    server = server_as_the_image_runs_it(app_dir, state_settings(settings, state), scratch)
    try:
        server.start()
        ready = httpx.get(f"{server.http}/readyz", timeout=5)
        page = httpx.get(f"{server.http}/sign-in", timeout=5)
        running_as = uid_of(server.pid)
    finally:
        server.close()

    assert running_as == UNPRIVILEGED
    assert (ready.status_code, page.status_code) == (200, 200)
    assert list(app_dir.iterdir()) == []
    if settings.sqlite_path() is not None:
        assert (state / "corral.sqlite3").stat().st_uid == UNPRIVILEGED
