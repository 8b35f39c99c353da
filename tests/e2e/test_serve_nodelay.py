"""`corral serve --workers 2` answers keep-alive requests without waiting for the client's delayed ACK.

Its workers share one listening socket that Corral binds with TCP_NODELAY, which accepted connections inherit on
Linux; without it each response's body waited ~40 ms for the ACK of its headers (Nagle's algorithm against the
client's delayed ACK), so a run of sequential requests on one connection answered at ~40 ms each.
"""

from __future__ import annotations

import http.client
import socket
import statistics
import time
from pathlib import Path

import pytest

from api.cli.serving import NoDelayConfig
from api.storage.settings import Settings
from bench.servers import serving
from tests.conftest import POSTGRES_URL, fresh_schema

REQUESTS = 40
DELAYED_ACK_MS = 40  # Linux's delayed ACK: what each answer waited for before


def sequential_on_one_connection(port: int, path: str, requests: int) -> list[float]:
    """Milliseconds for each of `requests` GETs sent one after another on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    took = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", path)
            answer = connection.getresponse()
            answer.read()
            took.append((time.perf_counter() - started) * 1000)
            assert answer.status == 200 and answer.getheader("connection") != "close"
    finally:
        connection.close()
    return took


def accepted_by(listening: socket.socket) -> socket.socket:
    """A connection the listening socket accepted from this process."""
    listening.listen()
    with socket.create_connection(listening.getsockname()[:2]):
        return listening.accept()[0]


def test_the_socket_several_workers_share_hands_tcp_nodelay_to_every_connection_it_accepts() -> None:
    config = NoDelayConfig("api.main:create_app", port=0, workers=2)
    with config.bind_socket() as listening, accepted_by(listening) as connection:
        assert listening.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    with super(NoDelayConfig, config).bind_socket() as listening, accepted_by(listening) as connection:
        assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0  # uvicorn's own, as it was


@pytest.mark.postgres
@pytest.mark.parametrize("workers", [2, 1])
def test_corral_serve_answers_keep_alive_requests_without_the_delayed_ack_stall(
    postgres_available: bool, tmp_path: Path, workers: int
) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    with fresh_schema() as schema:
        store = Settings(database_url=POSTGRES_URL, database_schema=schema)
        with serving(store, "s" * 48, tmp_path, workers) as corral:
            took = sequential_on_one_connection(corral.port, "/healthz", REQUESTS)

    # Half the stall: stalled, the median was 44-46 ms (2 workers, before the fix); unstalled, a few ms.
    assert statistics.median(took) < DELAYED_ACK_MS / 2, f"each answer waited for the delayed ACK: {sorted(took)}"
