"""The HTTP server's health and readiness, in process and as `corral serve`."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from api.storage.attachments import AttachmentStore
from api.cli.demo import load_demo
from api.main import create_app
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.servers import corral, corral_env, free_port, running
from projections.runner import catch_up


def test_the_process_is_healthy_and_ready_on_an_empty_store(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")

    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_a_server_whose_views_lag_the_log_is_not_ready_until_they_catch_up(settings: Settings) -> None:
    external = settings.model_copy(update={"embedded_projector": False, "ready_max_lag": 10})
    app = build_application(external)
    with TestClient(create_app(external)) as client:
        load_demo(app, AttachmentStore.of(external))
        lagging = client.get("/readyz")
        database, projections = build_views(external)
        catch_up(app, projections)
        caught_up = client.get("/readyz")
        database.close()
    app.close()

    assert lagging.status_code == 503 and lagging.json()["status"] == "catching up"
    assert min(lagging.json()["lag"].values()) > 10
    assert caught_up.status_code == 200 and set(caught_up.json()["lag"].values()) == {0}


def test_the_openapi_schema_describes_the_health_routes(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        paths = client.get("/openapi.json").json()["paths"]

    assert {"/healthz", "/readyz"} <= set(paths)


def test_corral_serve_answers_on_its_port(tmp_path: Path) -> None:
    env = corral_env(Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}"))
    with running(corral(env, "serve", port=free_port(), log=tmp_path / "server.log")) as server:
        answer = httpx.get(f"{server.http}/healthz", timeout=1)
        assert answer is not None and answer.json() == {"status": "ok"}
