"""Corral's own servers for a live-updates run, as in production: `corral serve`, and on PostgreSQL a separate
`corral projector`, each a process of its own started from the command line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.settings import Settings
from bench.stores import is_postgres

CORRAL = Path(sys.executable).parent / "corral"


@dataclass(frozen=True)
class Corral:
    """Where the server listens, and the processes whose CPU a run counts."""

    port: int
    server_pid: int
    projector_pid: int | None  # None when the server projects in its own process (SQLite)

    @property
    def http(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def live(self) -> str:
        """The websocket's URL."""
        return f"ws://127.0.0.1:{self.port}/api/v1/live"


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    settings: Settings, secret: str, folder: Path, workers: int = 1, live_send: str = "fast"
) -> Iterator[Corral]:
    """`corral serve` (and `corral projector` on PostgreSQL) over the store, until the block ends."""
    env = {
        **os.environ,
        "CORRAL_DATABASE_URL": settings.database_url,
        "CORRAL_SECRET_KEY": secret,
        "CORRAL_ATTACHMENTS_DIR": str(folder / "attachments"),
        "CORRAL_LIVE_SOCKETS_PER_ACCOUNT": "10000",  # a run's subscribers stand for many users, on one account
        "CORRAL_LIVE_SEND": live_send,
    }
    if settings.database_schema:
        env["CORRAL_DATABASE_SCHEMA"] = settings.database_schema
    port = free_port()
    with ExitStack() as stack:
        projector = None
        if is_postgres(settings):
            projector = stack.enter_context(_process([str(CORRAL), "projector"], env, folder / "projector.log"))
        command = [str(CORRAL), "serve", "--port", str(port), "--workers", str(workers)]
        server = stack.enter_context(_process(command, env, folder / "server.log"))
        _wait_ready(port, server, folder / "server.log")
        yield Corral(port, server.pid, projector.pid if projector is not None else None)


@contextmanager
def serving_app(app: str, folder: Path, workers: int = 1, ready_path: str = "/openapi.json") -> Iterator[int]:
    """`uvicorn APP` (`module:attribute`) on a free port with `workers` processes, until the block ends; its port."""
    port = free_port()
    root = Path(__file__).resolve().parent.parent
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--app-dir",
        str(root),
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with _process(command, dict(os.environ), folder / "baseline.log") as server:
        _wait_ready(port, server, folder / "baseline.log", ready_path)
        yield port


@contextmanager
def _process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: Path, path: str = "/healthz") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"nothing answered on port {port}")
