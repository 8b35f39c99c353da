"""The embedded default stays whole: one process projects a SQLite file, and each file signs with its own key.

Real `corral` processes, as an operator would start them."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from api.cli.demo.users import DEMO_PASSWORD
from api.storage.settings import Settings
from bench.servers import CORRAL, corral, corral_env, free_port, running

PASSWORD = "a long enough password"
REFUSAL = "is already being projected by"


def _env(database: Path) -> dict[str, str]:
    settings = Settings(database_url=f"sqlite:///{database}")
    return corral_env(settings, secret_key=None, embedded_projector=None) | {"COLUMNS": "200"}


def _corral(database: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CORRAL), *args], env=_env(database), input=stdin, capture_output=True, text=True, timeout=180
    )


def _refused(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a long-running command that should refuse at once; one still running after 30 s is stopped, and its
    return code is None."""
    process = subprocess.Popen(
        [str(CORRAL), *args], env=_env(database), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        said, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.terminate()
        said, _ = process.communicate()
        return subprocess.CompletedProcess(args, None, said)  # type: ignore[arg-type]
    return subprocess.CompletedProcess(args, process.returncode, said)


@contextmanager
def _serving(database: Path) -> Iterator[str]:
    """`corral serve` on the database, until the block ends: its base URL, once it is ready."""
    port = free_port()
    with running(corral(_env(database), "serve", port=port, log=database.with_suffix(f".{port}.log"))) as server:
        yield server.http


def _caught_up(base: str) -> bool:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready = httpx.get(f"{base}/readyz", timeout=5)
        if ready.status_code == 200 and {view["events"] for view in ready.json()["views"].values()} == {0}:
            return True
        time.sleep(0.2)
    return False


def test_a_second_server_on_the_same_sqlite_file_refuses_while_the_first_serves_and_projects(tmp_path: Path) -> None:
    database = tmp_path / "corral.sqlite3"
    with _serving(database) as first:
        second = _refused(database, "serve", "--port", str(free_port()))
        projector = _refused(database, "projector")
        demo = _corral(database, "demo")  # the load, recorded while the first server projects it
        rebuild = _corral(database, "projections", "rebuild")
        views_kept = _caught_up(first)
        shown = _corral(database, "show", "trust")
        token = httpx.post(
            f"{first}/api/v1/auth/token", data={"username": "sdt-ccg.quality", "password": DEMO_PASSWORD}
        )
        programmes = httpx.get(
            f"{first}/api/v1/programmes", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
        )
        verify = _corral(database, "projections", "verify")

    assert second.returncode not in (None, 0), second.stdout
    assert REFUSAL in second.stdout and str(database) in second.stdout, second.stdout
    assert projector.returncode not in (None, 0) and REFUSAL in projector.stdout, projector.stdout
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "keeps the views up to date" in demo.stdout
    assert rebuild.returncode != 0 and "Stop it before rebuilding" in rebuild.stdout, rebuild.stdout
    assert views_kept
    assert shown.returncode == 0 and "2017/18 CQUIN" in shown.stdout, shown.stdout + shown.stderr
    assert [p["health_economy"] for p in programmes.json()] == ["South Devon and Torbay"]
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_once_the_server_stops_the_commands_project_again(tmp_path: Path) -> None:
    database = tmp_path / "corral.sqlite3"
    with _serving(database):
        pass

    demo = _corral(database, "demo")
    shown = _corral(database, "show", "trust")

    assert demo.returncode == 0 and "keeps the views" not in demo.stdout, demo.stdout
    assert shown.returncode == 0 and "2017/18 CQUIN" in shown.stdout, shown.stdout + shown.stderr


def test_a_token_from_a_server_on_one_sqlite_file_is_refused_by_a_server_on_another_in_the_same_folder(
    tmp_path: Path,
) -> None:
    one, other = tmp_path / "one.sqlite3", tmp_path / "other.sqlite3"
    for database in (one, other):
        registered = _corral(
            database, "organisations", "add", "CCG", "--name", "A CCG", "--kind", "commissioner", "--sector", "icb"
        )
        opened = _corral(
            database, "users", "add", "gill", "--organisation", "CCG", "--role", "commissioner", stdin=PASSWORD
        )
        assert registered.returncode == 0 and opened.returncode == 0, registered.stdout + opened.stdout

    with _serving(one) as first, _serving(other) as second:
        token = httpx.post(f"{first}/api/v1/auth/token", data={"username": "gill", "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        at_home = httpx.get(f"{first}/api/v1/me", headers=bearer)
        elsewhere = httpx.get(f"{second}/api/v1/me", headers=bearer)

    assert at_home.status_code == 200
    assert elsewhere.status_code == 401
    assert {p.name for p in tmp_path.glob("*.key")} == {"one.sqlite3.key", "other.sqlite3.key"}
