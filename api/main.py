"""The FastAPI application: `create_app` wires settings, the application, the views and the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from starlette.routing import BaseRoute

from api import heap
from api.http import errors, openapi, security
from api.storage import projector_lock
from api.storage.attachments import AttachmentStore
from api.http.faults import Faults
from api.http.guard import BodyGuard
from api.http.read_scope import RequestScope
from api.http.routing import operation_id, routes_of
from api.storage.idempotency import IdempotencyKeys
from api.live import asyncapi, endpoint as live
from api.live.hub import Hub
from api.live.limits import LiveLimits
from api.live.uvicorn_fast import ServerSend
from api.observability import metrics as measured
from api.observability.logs import well_formed_request_id
from api.storage.revocations import RevokedTokens
from api.http.sign_in import Limits, SignInLedger
from api.http.routers import (
    administration,
    assessments,
    attachments,
    audit,
    auth,
    boards,
    clients,
    dashboards,
    exports,
    forecast,
    queues,
    health,
    leads,
    metrics,
    notifications,
    organisation_audit,
    nudges,
    oidc,
    organisations,
    packs,
    payment_rules,
    payments,
    programmes,
    progress,
    providers,
    restatements,
    reviews,
    scheme_imports,
    scheme_payments,
    schemes,
    signatures,
    single_sign_on,
    statements,
    submissions,
    users,
    webhooks,
)
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_duties, build_views, start_beside
from projections.kept import KeptAnswers
from projections.progress.view import ProgressView
from projections.registry import view_of
from projections.runner import Projector
import web


def create_served_app() -> FastAPI:
    """`corral serve`'s application: once started, what it built is frozen out of the cycle collector's passes."""
    return create_app(freeze_heap=True)


def create_app(settings: Settings | None = None, *, freeze_heap: bool = False) -> FastAPI:
    """The HTTP application; on SQLite (or when asked) it also runs the projector in a thread.

    `freeze_heap`: once started, set what it built aside from the cycle collector (api/heap.py): for a server
    process, which keeps what it built for life; not for tests, which build many."""
    settings = settings or Settings()
    security.use_hashing(settings.password_hashing)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        corral = build_application(settings)
        database, projections = build_views(settings)
        app.state.settings, app.state.corral, app.state.views = settings, corral, projections
        app.state.view_database = database
        app.state.kept_progress = KeptAnswers(view_of(projections, ProgressView))
        app.state.idempotency = IdempotencyKeys(database, corral)
        app.state.sign_ins = SignInLedger(database, Limits.of(settings))
        app.state.revocations = RevokedTokens(database)
        app.state.attachments = AttachmentStore.of(settings)
        # Every table exists before the projector's first write: on SQLite, DDL racing a writer fails at once.
        duties = build_duties(corral, projections, settings)
        lease = settings.projector_lease_seconds
        projector = (
            Projector(corral, projections, duties=duties, lease_seconds=lease).start()
            if settings.projects_in_process
            else None
        )
        beside = [] if projector is None else start_beside(projector, settings)
        app.state.hub = Hub(projections, corral, app.state.revocations, LiveLimits.of(settings))
        await app.state.hub.start()
        if freeze_heap:
            heap.freeze_what_was_built()
        try:
            yield
        finally:
            await app.state.hub.stop()
            for worker in beside:
                worker.stop()
            if projector is not None:
                projector.stop()
            database.close()
            corral.close()
            measured.worker_stopped()

    app = FastAPI(
        title="Corral",
        summary="System-wide shared CQUIN schemes: evidence, review and payments, every step an event.",
        version="0.1.0",
        openapi_tags=openapi.TAGS,
        generate_unique_id_function=operation_id,
        separate_input_output_schemas=False,
        lifespan=_holding_projector_lock(settings, lifespan),
        # Requests are observed by our own metrics and logs (api/observability); FastAPI's OpenTelemetry hooks
        # would look for providers (in os.environ) at every request and socket, to find none.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings  # known before the lifespan starts too: /asyncapi.json names the public address
    errors.install(app, pages=web.fault_page)
    openapi.install(app)
    app.add_middleware(BodyGuard, settings=settings, pages=web.fault_page)
    app.add_middleware(Faults, pages=web.fault_page)
    app.add_middleware(RequestScope)  # outside the guard and the fault pages, which read too
    app.add_middleware(measured.RequestMetrics)
    app.add_middleware(CorrelationIdMiddleware, validator=well_formed_request_id)  # X-Request-ID, on every log line
    if settings.live_send == "fast":
        app.add_middleware(ServerSend)  # outermost: the fast path finds uvicorn's own send behind it
    app.router.routes.extend(routes())
    web.mount_static(app)
    return app


def routes() -> tuple[BaseRoute, ...]:
    """Every route of the API and the pages, in the order a request meets them. Each router makes its routes with
    their whole paths (api/http/routing.py), so the app lists the routes themselves, matched by their own paths; they
    are made once, as their modules are imported, and every app of the process shares them."""
    return routes_of(
        [
            live.router,  # first: a socket's handshake is routed past no HTTP route
            health.router,
            metrics.router,
            auth.router,
            oidc.router,
            programmes.router,
            progress.router,
            payments.router,
            forecast.router,
            payment_rules.router,
            scheme_payments.router,
            statements.router,
            submissions.router,
            reviews.router,
            restatements.router,
            nudges.router,
            packs.router,
            web.packs_router,
            assessments.router,
            organisations.router,
            providers.router,
            schemes.router,
            scheme_imports.router,
            leads.router,
            signatures.router,
            dashboards.router,
            queues.router,
            boards.router,
            audit.router,
            attachments.router,
            exports.router,
            users.router,
            administration.router,
            organisation_audit.router,
            single_sign_on.router,
            clients.router,
            notifications.router,
            webhooks.router,
            asyncapi.router,  # beside /openapi.json, outside it
            *web.ROUTERS,
        ]
    )


Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def _holding_projector_lock(settings: Settings, lifespan: Lifespan) -> Lifespan:
    """The lifespan, inside the SQLite database's projector lock when this server projects: a second server
    on the same file refuses to start (api/storage/projector_lock.py), and the lock is let go when the lifespan ends."""

    @asynccontextmanager
    async def holding(app: FastAPI) -> AsyncIterator[None]:
        with projector_lock.held(settings, "a Corral server") if settings.projects_in_process else nullcontext():
            async with lifespan(app):
                yield

    return holding
