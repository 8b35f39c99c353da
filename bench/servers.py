"""Servers for tests and benchmarks: `corral serve`, `corral projector` or any ASGI app under uvicorn, each a
process of its own on a free port, or the app in a thread of this process for tests that reach into its state.

A process's output goes to a log, whose tail is in the error when it exits or does not answer; it is stopped
with SIGTERM, then SIGKILL after a grace period, and a drill may SIGKILL it and start it again on the same port.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import uvicorn
from fastapi import FastAPI

from api.main import create_app
from api.storage.settings import Settings

CORRAL = Path(sys.executable).parent / "corral"
ROOT = Path(__file__).resolve().parent.parent
Setting = str | int | float | bool | date | Path | list[str] | None


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def corral_env(settings: Settings, **values: Setting) -> dict[str, str]:
    """This process's environment pointed at the store, with each value as its CORRAL_ setting (None unsets it)."""
    env = {**os.environ, "CORRAL_DATABASE_URL": settings.database_url}
    if settings.database_schema:
        env["CORRAL_DATABASE_SCHEMA"] = settings.database_schema
    for name, value in values.items():
        key = f"CORRAL_{name.upper()}"
        if value is None:
            env.pop(key, None)
        else:
            env[key] = json.dumps(value) if isinstance(value, list) else str(value)
    return env


class Listening:
    """Where a server listens on this machine."""

    port: int | None

    @property
    def http(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def live(self) -> str:
        """The server's websocket URL."""
        return f"ws://127.0.0.1:{self.port}/api/v1/live"


class Service(Listening):
    """A process started from a command line (with `--port PORT` when it listens) that may be stopped, SIGKILLed and
    started again as it was; a server counts as started once `ready` answers 200."""

    def __init__(
        self,
        command: Sequence[str],
        env: dict[str, str],
        *,
        port: int | None = None,
        ready: str = "/healthz",
        log: Path | None = None,
        cwd: Path | None = None,
        timeout: float = 60,
    ) -> None:
        self.command = [*command, *(["--port", str(port)] if port is not None else [])]
        self.env, self.port, self.ready, self.cwd, self.timeout = env, port, ready, cwd, timeout
        # Appended to, so that a restarted process's output follows the killed one's.
        self._log: IO[bytes] = log.open("ab") if log is not None else tempfile.TemporaryFile()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def name(self) -> str:
        """The command, shortened to its program's name, for messages."""
        return " ".join([Path(self.command[0]).name, *self.command[1:]])

    @property
    def pid(self) -> int:
        """The process's id."""
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    def start(self) -> Service:
        """Start it, and wait until it answers if it is a server."""
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=self.cwd, stdout=self._log, stderr=subprocess.STDOUT
        )
        if self.port is not None:
            self._wait_ready()
        return self

    def kill(self) -> None:
        """kill -9: no clean-up, no goodbye to its clients or its database sessions."""
        assert self.process is not None, f"{self.name} was never started"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, grace: float = 30) -> None:
        """Stop it the polite way (SIGTERM), or the hard way after `grace` seconds."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.kill()

    def close(self) -> None:
        """Stop it and close its log."""
        self.stop()
        self._log.close()

    def output(self, limit: int = 4000) -> str:
        """The last `limit` bytes it wrote, as text."""
        self._log.flush()
        size = os.fstat(self._log.fileno()).st_size
        return os.pread(self._log.fileno(), limit, max(0, size - limit)).decode(errors="replace")

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.timeout
        # One client for every poll: `httpx.get` makes a client, and with it an SSL context, each time (~30 ms of CPU,
        # taken from the starting server on these 2-core machines at every poll).
        with httpx.Client(timeout=1) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.output()}")
                try:
                    if client.get(f"{self.http}{self.ready}").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        raise TimeoutError(f"{self.name}: {self.ready} did not answer 200 within {self.timeout:g} s:\n{self.output()}")


def corral(
    env: dict[str, str],
    *args: str,
    port: int | None = None,
    ready: str = "/healthz",
    log: Path | None = None,
    cwd: Path | None = None,
) -> Service:
    """`corral ARGS` (a server when given a port), not yet started."""
    return Service([str(CORRAL), *args], env, port=port, ready=ready, log=log, cwd=cwd)


@contextmanager
def services(*started: Service) -> Iterator[None]:
    """Stop every service (and close its log) when the block ends, however it ends."""
    try:
        yield
    finally:
        for service in started:
            service.close()


@contextmanager
def running(service: Service) -> Iterator[Service]:
    """The service started, until the block ends."""
    with services(service):
        yield service.start()


@dataclass(frozen=True)
class Corral(Listening):
    """Where `corral serve` listens, and the processes whose CPU a run counts."""

    port: int
    server_pid: int
    projector_pid: int | None  # None when the server projects in its own process (SQLite)


@contextmanager
def serving(settings: Settings, secret: str, folder: Path, workers: int = 1, **values: Setting) -> Iterator[Corral]:
    """`corral serve` (and `corral projector` unless the server projects) over the store, until the block ends;
    `values` are further settings, as for `corral_env`."""
    env = corral_env(
        settings,
        secret_key=secret,
        attachments_dir=folder / "attachments",
        live_sockets_per_account=10000,  # a run's subscribers stand for many users, on one account
        **values,
    )
    # A projector of its own unless the server projects, as on SQLite by default.
    store = settings.model_copy(update={k: v for k, v in values.items() if k == "embedded_projector"})
    with ExitStack() as stack:
        projector = None
        if not store.projects_in_process:
            projector = stack.enter_context(running(corral(env, "projector", log=folder / "projector.log")))
        port = free_port()
        server = corral(env, "serve", "--workers", str(workers), port=port, log=folder / "server.log")
        stack.enter_context(running(server))
        yield Corral(port, server.pid, projector.pid if projector is not None else None)


@contextmanager
def serving_app(app: str, folder: Path, workers: int = 1, ready: str = "/openapi.json") -> Iterator[int]:
    """APP (`module:attribute`) served as `corral serve` serves Corral's (`bench/serve_app.py`), on a free port with
    `workers` processes, until the block ends; its port."""
    with app_service(app, folder, workers, ready) as service:
        assert service.port is not None
        yield service.port


@contextmanager
def app_service(app: str, folder: Path, workers: int = 1, ready: str = "/openapi.json") -> Iterator[Service]:
    """As `serving_app`, the service itself (its port and process)."""
    port = free_port()
    command = [sys.executable, "-m", "bench.serve_app", app, "--workers", str(workers)]
    service = Service(command, dict(os.environ), port=port, ready=ready, log=folder / "baseline.log", cwd=ROOT)
    with running(service):
        yield service


@dataclass(frozen=True)
class Served(Listening):
    """A server in a thread of this process: where it listens, and the app it serves (whose state holds the
    application)."""

    app: FastAPI
    port: int


@contextmanager
def served(settings: Settings) -> Iterator[Served]:
    """Serve `settings`' store from a thread of this process until the block ends."""
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Served(app, port)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
