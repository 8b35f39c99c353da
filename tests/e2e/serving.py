"""A real uvicorn server in a thread of the test process, on a free port, for websocket clients to reach."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

from api.main import create_app
from api.storage.settings import Settings

T = TypeVar("T")


def run(scenario: Coroutine[Any, Any, T]) -> T:
    """Run an async scenario to its end in a thread of its own, whatever event loop this thread may be running
    (Playwright's sync API keeps one open for the whole session)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, scenario).result()


@dataclass
class Served:
    """Where the server listens, and the FastAPI app it serves (its state holds the application)."""

    app: FastAPI
    port: int

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def live(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/live"


@contextmanager
def served(settings: Settings) -> Iterator[Served]:
    """Serve `settings`' store until the block ends."""
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
