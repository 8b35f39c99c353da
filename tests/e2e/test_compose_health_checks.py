"""The health checks docker-compose.yml gives the API and the projector, run as the container would run them (with
this machine's Python in place of the image's): an API server is healthy only while /readyz answers 200, a projector
(active or standby) only while it reaches the database with the password from its secret file."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.servers import free_port
from tests.conftest import POSTGRES_URL
from tests.unit.compose import compose


def health_check(service: str, env: dict[str, str], port: int = 8000) -> int:
    """The exit status of the service's health check command."""
    command = compose()["services"][service]["healthcheck"]["test"]
    assert command[0] == "CMD" and command[1] == "python"
    argv = [sys.executable, *(part.replace(":8000/", f":{port}/") for part in command[2:])]
    return subprocess.run(argv, env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, timeout=60).returncode


@contextmanager
def answering_readyz(status: int) -> Iterator[int]:
    """A server on a free port whose /readyz answers with this status."""

    class Readiness(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status if self.path == "/readyz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Readiness)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_an_api_server_is_healthy_only_while_it_says_it_is_ready(status: int, healthy: bool) -> None:
    with answering_readyz(status) as port:
        assert (health_check("api", {}, port) == 0) is healthy


def test_an_api_server_that_does_not_answer_is_unhealthy() -> None:
    assert health_check("api", {}, free_port()) != 0


@pytest.mark.postgres
def test_a_projector_is_healthy_while_it_reaches_postgres_and_unhealthy_when_it_cannot(
    postgres_available: bool, tmp_path: Path
) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    (tmp_path / "db_password").write_text("unused-by-trust-auth\n")
    secret = {"CORRAL_DATABASE_PASSWORD_FILE": str(tmp_path / "db_password")}
    unreachable = POSTGRES_URL.replace(":5432/", f":{free_port()}/")

    assert health_check("projector", {"CORRAL_DATABASE_URL": POSTGRES_URL, **secret}) == 0
    assert health_check("projector", {"CORRAL_DATABASE_URL": unreachable, **secret}) != 0
