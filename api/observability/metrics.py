"""Metrics for Prometheus at /metrics: request latency by route template, commands by type and outcome, live
websocket connections, and, read from the database at each scrape, each view's lag (in events and in seconds, and
whether it is stuck) and the mail outbox's depth.

`corral serve` shares its workers' counts through prometheus-client's multiprocess mode (api/observability/
workers.py), so any worker's /metrics answers for them all; a process that is not a worker of it (a test's server,
`corral projector --metrics-port`) counts in memory."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from fastapi.routing import iter_route_contexts
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.observability.workers import SHARED_DIR
from domain.application import Corral
from projections import maintenance
from projections.notifications.outbox import outbox_status
from projections.notifications.view import NotificationsView
from projections.registry import view_of

log = logging.getLogger("corral.metrics")

REQUEST_SECONDS = Histogram(
    "corral_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template and status",
    ["method", "route", "status"],
)
COMMANDS = Counter(
    "corral_commands", "Commands asked for, by type (the route's name) and outcome", ["command", "outcome"]
)
LIVE_CONNECTIONS = Gauge(
    "corral_live_connections", "Websocket connections following live updates", multiprocess_mode="livesum"
)
UNMATCHED = "unmatched"  # a path no route answers: never the raw path, which would make a label per address tried


def count_command(command: str, status: int, replayed: bool) -> None:
    """Count one command by what became of it: recorded, refused, or replayed for a repeated Idempotency-Key."""
    outcome = "replayed" if replayed else "refused" if status >= 400 else "recorded"
    COMMANDS.labels(command, outcome).inc()


class ViewsCollector:
    """Each view's lag and the outbox's depth, read from the database when Prometheus scrapes."""

    def __init__(self, corral: Corral, projections: Sequence[Any]) -> None:
        self.corral, self.projections = corral, projections

    def collect(self) -> Iterator[Metric]:
        """The gauges as they are now; none if the database cannot be read (logged)."""
        try:
            rows = maintenance.status(self.corral, self.projections)
            outbox = outbox_status(view_of(self.projections, NotificationsView), most_failing=0)
        except Exception:  # noqa: BLE001 - a scrape must not fail: the other metrics still say what they can
            log.warning("metrics could not read the views' positions", exc_info=True)
            return
        labels = ["view"]
        events = GaugeMetricFamily("corral_view_lag_events", "Events in the log a view has not applied", labels=labels)
        seconds = GaugeMetricFamily(
            "corral_view_lag_seconds", "How long the oldest event a view has not applied has waited", labels=labels
        )
        stuck = GaugeMetricFamily(
            "corral_view_stuck", "1 while a view is stopped by an event it cannot apply", None, labels
        )
        for row in rows:
            events.add_metric([row.name], row.lag)
            if row.lag_seconds is not None:
                seconds.add_metric([row.name], row.lag_seconds)
            stuck.add_metric([row.name], 0 if row.fault is None else 1)
        yield from (events, seconds, stuck)
        yield GaugeMetricFamily("corral_mail_outbox_depth", "Messages in the outbox waiting to be sent", outbox.pending)


class _Default:
    """This process's own metrics, as counted in memory."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def registry(corral: Corral, projections: Sequence[Any]) -> CollectorRegistry:
    """What a scrape reads: every worker's counts (or this process's), and the views' gauges."""
    scraped = CollectorRegistry()
    if os.environ.get(SHARED_DIR):
        multiprocess.MultiProcessCollector(scraped)  # type: ignore[no-untyped-call]
    else:
        scraped.register(_Default())
    scraped.register(ViewsCollector(corral, projections))
    return scraped


def scrape(corral: Corral, projections: Sequence[Any]) -> bytes:
    """The metrics in Prometheus's text format."""
    return generate_latest(registry(corral, projections))


def serve_metrics(corral: Corral, projections: Sequence[Any], host: str, port: int) -> None:
    """Answer scrapes on `host:port` from a daemon thread of this process (the projector's)."""
    start_http_server(port, host, registry(corral, projections))


def worker_stopped() -> None:
    """Let this worker's live connections stop counting once it stops (its counters still count)."""
    if os.environ.get(SHARED_DIR):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


# Route templates (with their prefixes) by the id of the route that answers: the routes are the routers' own, made
# once per process and shared by every app built in it, so the walk over them (a third of a second) is made once.
TEMPLATES: dict[int, str] = {}


def _walk(app: ASGIApp) -> None:
    contexts = iter_route_contexts(getattr(app, "routes", ()))
    TEMPLATES.update({id(c.original_route): c.path for c in contexts if c.path is not None})


def route_template(scope: Scope) -> str | None:
    """The template of the route that answers the request, with its prefix (`/api/v1/schemes/{scheme_id}`)."""
    route = scope.get("route")
    if route is None:
        return None
    if id(route) not in TEMPLATES:
        _walk(scope["app"])
    return TEMPLATES.get(id(route))


class RequestMetrics:
    """ASGI middleware: time each HTTP request, labelled by its route's template (`/api/v1/schemes/{scheme_id}`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.walked = False  # whether this app's routes were added to TEMPLATES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status, observed = time.perf_counter(), 500, False

        def observe() -> None:
            nonlocal observed
            if not observed:
                observed = True
                seconds = time.perf_counter() - started
                REQUEST_SECONDS.labels(scope["method"], self.template(scope), str(status)).observe(seconds)

        async def noted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                observe()  # before the answer's end is sent: a client that has it finds it counted
            await send(message)

        try:
            await self.app(scope, receive, noted)
        finally:
            observe()

    def template(self, scope: Scope) -> str:
        """The template of the route that answered, with its prefix; a mount's (the static files) as `/static/{path}`."""
        route = scope.get("route")
        if route is not None:
            if id(route) not in TEMPLATES and not self.walked:
                _walk(scope["app"])
                self.walked = True
            return TEMPLATES.get(id(route)) or str(getattr(route, "path", UNMATCHED))
        if "app_root_path" in scope:
            return f"{scope['root_path']}/{{path}}"
        return UNMATCHED
