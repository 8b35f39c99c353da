"""Async scenarios against real servers (started by bench/servers.py), run from synchronous tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.attachments import AttachmentStore
from api.cli.demo import load_demo
from api.http.passwords import DEMO_PASSWORD
from api.main import create_app
from api.storage.settings import Settings
from api.storage.wiring import build_application
from projections.runner import wait_for
from tests.conftest import empty_store

T = TypeVar("T")


def run(scenario: Coroutine[Any, Any, T]) -> T:
    """Run an async scenario to its end in a thread of its own, whatever event loop this thread may be running
    (Playwright's sync API keeps one open for the whole session)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, scenario).result()


# `corral` arguments that register the private hospital, as the operator would.
PRIVATE_HOSPITAL_ADDED = ["organisations", "add", "PRIVATE", "--name", "Mount Stuart Hospital", "--kind", "provider"]
PRIVATE_HOSPITAL_ADDED += ["--sector", "independent-sector"]


@contextmanager
def serving_demo(request: pytest.FixtureRequest, folder: Path, secret: str, **more: object) -> Iterator[TestClient]:
    """A server over the demo on the request's database, projecting in its own process, its views caught up; `more`
    are further settings (e.g. `today`)."""
    with empty_store(request, folder) as settings:
        update = {"secret_key": SecretStr(secret * 48), "embedded_projector": True, **more}
        served = settings.model_copy(update=update)
        app = build_application(served)
        load_demo(app, AttachmentStore.of(served))
        app.close()
        with client_of(served) as client:
            yield client


@contextmanager
def client_of(settings: Settings, **options: Any) -> Iterator[TestClient]:
    """A test client of the app over `settings`' store, started and, when it projects in its own process, its views
    caught up with the log as it found it: its projector catches up in the background, so a read at once could miss
    what was recorded before (a real client would ask with ?after=). `options` go to the TestClient."""
    app = create_app(settings)
    with TestClient(app, **options) as client:
        if settings.projects_in_process:
            corral = app.state.corral
            wait_for(corral.name, app.state.views, corral.recorder.max_notification_id() or 0, timeout=120)
        yield client


def caught_up(client: httpx.Client, position: int, headers: dict[str, str], seconds: float = 120) -> None:
    """Wait until the server's views include the log's `position`: a read with ?after= waits 5 s at most, so on a
    loaded machine one may answer 503 (and a test reading on would meet views that have not caught up)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get("/api/v1/programmes", params={"after": position}, headers=headers)
        if answer.status_code == 200:
            return
        assert answer.status_code == 503 and time.monotonic() < deadline, answer.text


def demo_signed_in(client: TestClient, username: str) -> dict[str, str]:
    """The bearer header of a demo user."""
    token = client.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}
