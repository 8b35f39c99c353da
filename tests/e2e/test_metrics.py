"""/metrics for Prometheus, as operators scrape it: requests counted by route template (never an id), commands by
type and outcome, and live connections, the same whichever of `corral serve`'s workers answers; each view's lag in
events and seconds and the outbox's depth read at each scrape; kept out of the API's docs and, when a token is set,
behind it; and `corral projector --metrics-port` answering for the projector's process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from api.live.client import LiveClient
from api.storage.settings import Settings
from api.storage.wiring import build_application
from bench.servers import corral, corral_env, free_port, running
from tests.e2e.serving import client_of, run
from tests.e2e.test_observability import Running
from tests.e2e.test_observability import running as serving_with_mail
from tests.integration.given import agreed_scheme

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
LIVE = ("corral_live_connections", frozenset())


def parsed(text: str) -> tuple[set[str], Samples]:
    """The metric families named, and every sample by its name and labels."""
    families = list(text_string_to_metric_families(text))
    samples = {(s.name, frozenset(s.labels.items())): s.value for f in families for s in f.samples}
    return {f.name for f in families}, samples


def scraped(served: Running) -> tuple[set[str], Samples]:
    """What the server's /metrics says now."""
    answer = served.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return parsed(answer.text)


def scraped_until(scrape: Callable[[], Samples], done: Callable[[Samples], bool]) -> Samples:
    """Scrape until `done` (a socket's close, or a catch-up, lands a moment after it is asked), or 30 s pass."""
    deadline = time.monotonic() + 30
    while True:
        samples = scrape()
        if done(samples) or time.monotonic() > deadline:
            return samples
        time.sleep(0.1)


def test_metrics_count_requests_by_route_commands_by_type_and_live_connections_across_workers(
    settings: Settings, tmp_path: Path
) -> None:
    workers = 1 if settings.sqlite_path() is not None else 2  # SQLite is served by one process
    route = "/api/v1/programmes/{programme_id}/payment-rules"
    unsigned = frozenset({("method", "GET"), ("route", route), ("status", "401")})
    invited = frozenset({("command", "invite"), ("outcome", "recorded")})
    replayed = frozenset({("command", "invite"), ("outcome", "replayed")})
    with serving_with_mail(settings, tmp_path, workers) as served:
        _, before = scraped(served)
        for _ in range(6):  # a new connection each time: each worker answers some
            assert served.get(f"/api/v1/programmes/{served.programme_id}/payment-rules").status_code == 401
        served.invite("nina", key="invite-nina")
        served.invite("nina", key="invite-nina")
        after = [scraped(served) for _ in range(4)]
        token = served.sign_in().json()["access_token"]
        connected = run(_scraped_while_connected(served, token))
        disconnected = scraped_until(lambda: scraped(served)[1], lambda samples: samples[LIVE] == 0)

    names, samples = after[0]
    assert {
        "corral_http_request_duration_seconds",
        "corral_commands",
        "corral_live_connections",
        "corral_view_lag_events",
        "corral_view_lag_seconds",
        "corral_mail_outbox_depth",
    } <= names
    count = ("corral_http_request_duration_seconds_count", unsigned)
    assert [samples[count] - before.get(count, 0) for _, samples in after] == [6, 6, 6, 6]
    assert served.programme_id not in str(samples)  # a route's template, never its ids
    assert samples[("corral_commands_total", invited)] - before.get(("corral_commands_total", invited), 0) == 1
    assert samples[("corral_commands_total", replayed)] - before.get(("corral_commands_total", replayed), 0) == 1
    views = {dict(labels)["view"] for name, labels in samples if name == "corral_view_lag_events"}
    assert {"audit_v3", "notifications_v1"} <= views
    assert (connected[LIVE], disconnected[LIVE]) == (1, 0)


async def _scraped_while_connected(served: Running, token: str) -> Samples:
    async with LiveClient(served.server.live, token=token):
        return await asyncio.to_thread(scraped_until, lambda: scraped(served)[1], lambda samples: samples[LIVE] == 1)


def test_metrics_stay_out_of_the_api_docs_and_behind_the_metrics_token_when_one_is_set(
    settings: Settings, tmp_path: Path
) -> None:
    update = {"metrics_token": SecretStr("scrape-me"), "attachments_dir": tmp_path / "files"}
    with client_of(settings.model_copy(update=update)) as client:
        bare = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer guessed"})
        right = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        documented = client.get("/openapi.json").json()["paths"]

    assert (bare.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert bare.headers["WWW-Authenticate"] == "Bearer" and "corral_view_lag_events" in right.text
    assert "/metrics" not in documented


def test_the_projector_answers_scrapes_on_its_metrics_port_with_the_views_lag(
    settings: Settings, tmp_path: Path
) -> None:
    app = build_application(settings)
    agreed_scheme(app)
    app.close()
    port = free_port()
    env = corral_env(settings, attachments_dir=tmp_path / "files", mail_dir=tmp_path / "mail")
    projector = corral(env, "projector", "--metrics-port", str(port), log=tmp_path / "projector.log")

    def scrape() -> Samples:
        try:
            return parsed(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)[1]
        except httpx.TransportError:  # not listening yet
            return {}

    with running(projector):
        caught_up = scraped_until(scrape, lambda samples: set(lags_in(samples).values()) == {0})

    lags = lags_in(caught_up)
    assert {"progress_v5", "audit_v3", "notifications_v1", "accounts_v2"} <= set(lags) and set(lags.values()) == {0}
    assert ("corral_mail_outbox_depth", frozenset()) in caught_up


def lags_in(samples: Samples) -> dict[str, float]:
    """Each view's lag in events."""
    return {
        dict(labels)["view"]: value for (name, labels), value in samples.items() if name == "corral_view_lag_events"
    }


def test_a_path_no_route_answers_is_counted_as_unmatched_and_a_static_file_under_its_mount_never_by_its_address(
    settings: Settings, tmp_path: Path
) -> None:
    with client_of(settings.model_copy(update={"attachments_dir": tmp_path / "files"})) as client:
        missing = client.get("/no/such/page-8d41c2")
        stylesheet = client.get("/static/corral.css")
        _, samples = parsed(client.get("/metrics").text)

    routes = {dict(labels).get("route") for name, labels in samples if name.startswith("corral_http_request")}
    assert (missing.status_code, stylesheet.status_code) == (404, 200)
    assert {"unmatched", "/static/{path}"} <= routes
    assert not any("8d41c2" in str(route) or "corral.css" in str(route) for route in routes)


def test_the_metrics_folder_of_a_server_that_stopped_is_removed_when_the_next_one_starts(
    settings: Settings, tmp_path: Path
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = corral_env(settings, attachments_dir=tmp_path / "files", secret_key="m" * 48) | {"TMPDIR": str(temporary)}

    with running(corral(env, "serve", port=free_port(), log=tmp_path / "first.log")):
        first = list(temporary.glob("corral-metrics-*"))
    with running(corral(env, "serve", port=free_port(), log=tmp_path / "second.log")):
        second = list(temporary.glob("corral-metrics-*"))

    assert len(first) == 1 and len(second) == 1 and first != second
