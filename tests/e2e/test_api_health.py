"""The HTTP server's health and readiness, in process and as `corral serve`."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.storage.attachments import AttachmentStore
from api.cli.demo import load_demo
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from bench.servers import corral, corral_env, free_port, running
from projections.runner import catch_up
from tests.e2e.serving import client_of
from tests.integration.given import agreed_scheme


def test_the_process_is_healthy_and_ready_on_an_empty_store(settings: Settings) -> None:
    with client_of(settings) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")

    assert ready.status_code == 200
    body = ready.json()
    assert (body["status"], body["database"], body["attachments"], body["building"]) == ("ready", "ok", "ok", [])
    assert {view["events"] for view in ready.json()["views"].values()} == {0}


def test_a_server_whose_views_lag_the_log_stays_ready_and_reports_the_lag_in_events_and_seconds(
    settings: Settings,
) -> None:
    external = settings.model_copy(update={"embedded_projector": False})
    app = build_application(external)
    database, projections = build_views(external)
    with client_of(external) as client:
        load_demo(app, AttachmentStore.of(external))
        catch_up(app, projections)
        agreed_scheme(app)  # and no projector runs
        lagging = client.get("/readyz")
        catch_up(app, projections)
        caught_up = client.get("/readyz")
    database.close()
    app.close()

    assert lagging.status_code == 200 and lagging.json()["status"] == "ready"
    assert min(view["events"] for view in lagging.json()["views"].values()) > 0
    assert min(view["seconds"] for view in lagging.json()["views"].values()) > 0
    assert caught_up.status_code == 200
    assert {(view["events"], view["seconds"]) for view in caught_up.json()["views"].values()} == {(0, 0.0)}


def test_a_server_whose_views_have_not_been_built_yet_is_not_ready_until_they_are(settings: Settings) -> None:
    external = settings.model_copy(update={"embedded_projector": False})
    app = build_application(external)
    database, projections = build_views(external)
    with client_of(external) as client:
        load_demo(app, AttachmentStore.of(external))  # a restored log, say, whose views no projector has built
        unbuilt = client.get("/readyz")
        catch_up(app, projections)
        built = client.get("/readyz")
    database.close()
    app.close()

    assert unbuilt.status_code == 503 and unbuilt.json()["status"] == "building"
    assert set(unbuilt.json()["building"]) == {p.view.name for p in projections}
    assert (built.status_code, built.json()["building"]) == (200, [])


def test_a_server_whose_attachments_folder_cannot_be_written_is_not_ready_and_says_so(
    settings: Settings, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    with client_of(settings.model_copy(update={"attachments_dir": blocked})) as client:
        blocked.write_text("a file where the folder should be")
        unready = client.get("/readyz")
        blocked.unlink()
        ready = client.get("/readyz")

    assert unready.status_code == 503
    assert unready.json()["status"] == "unavailable" and unready.json()["database"] == "ok"
    assert unready.json()["attachments"].startswith("the attachments folder cannot be used")
    assert ready.status_code == 200 and blocked.is_dir()  # a missing folder is made again


def test_the_openapi_schema_describes_the_health_routes(settings: Settings) -> None:
    with client_of(settings) as client:
        schema = client.get("/openapi.json").json()
    paths, models = schema["paths"], schema["components"]["schemas"]

    assert {"/healthz", "/readyz"} <= set(paths)
    assert set(models["Readiness"]["properties"]) == {"status", "database", "attachments", "views", "building"}
    assert set(models["ViewLag"]["properties"]) == {"events", "seconds", "stuck"}
    assert all(field.get("description") for field in models["ViewLag"]["properties"].values())


def test_corral_serve_answers_on_its_port(tmp_path: Path) -> None:
    env = corral_env(Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}"))
    with running(corral(env, "serve", port=free_port(), log=tmp_path / "server.log")) as server:
        answer = httpx.get(f"{server.http}/healthz", timeout=1)
        assert answer is not None and answer.json() == {"status": "ok"}
