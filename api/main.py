"""The FastAPI application: `create_app` wires settings, the application, the views and the routers."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

from api import heap
from api.http import errors, openapi, security
from api.storage import projector_lock
from api.storage.attachments import AttachmentStore
from api.http.faults import Faults
from api.http.guard import BodyGuard
from api.http.read_scope import RequestScope
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
        generate_unique_id_function=openapi.operation_id,
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
    app.router.routes.extend(included_routes())
    web.mount_static(app)
    return app


@functools.cache
def included_routes() -> tuple[BaseRoute, ...]:
    """Every router of the API and the pages, in the order a request meets them, included once in a process.

    FastAPI builds an included route's state (its dependencies read from signatures, a pydantic adapter for each
    parameter and model) at the first request that passes it, once for each inclusion: ~0.3 s of CPU at an app's
    first requests. The apps of one process (the tests make hundreds) share these inclusions, so it is built once.
    They are included as `FastAPI` would include them into an app, with its operation ids; an app's
    `dependency_overrides` do not reach them (nothing here uses any)."""
    router = APIRouter(generate_unique_id_function=openapi.operation_id)
    router.include_router(live.router, prefix="/api/v1")  # first: a socket's handshake is routed past no HTTP route
    router.include_router(health.router)
    router.include_router(metrics.router)
    router.include_router(auth.router, prefix="/api/v1")
    router.include_router(oidc.router)
    router.include_router(programmes.router, prefix="/api/v1")
    router.include_router(progress.router, prefix="/api/v1")
    router.include_router(payments.router, prefix="/api/v1")
    router.include_router(forecast.router, prefix="/api/v1")
    router.include_router(payment_rules.router, prefix="/api/v1")
    router.include_router(scheme_payments.router, prefix="/api/v1")
    router.include_router(statements.router, prefix="/api/v1")
    router.include_router(submissions.router, prefix="/api/v1")
    router.include_router(reviews.router, prefix="/api/v1")
    router.include_router(restatements.router, prefix="/api/v1")
    router.include_router(nudges.router, prefix="/api/v1")
    router.include_router(packs.router, prefix="/api/v1")
    router.include_router(web.packs_router, prefix="/api/v1")
    router.include_router(assessments.router, prefix="/api/v1")
    router.include_router(organisations.router, prefix="/api/v1")
    router.include_router(providers.router, prefix="/api/v1")
    router.include_router(schemes.router, prefix="/api/v1")
    router.include_router(scheme_imports.router, prefix="/api/v1")
    router.include_router(leads.router, prefix="/api/v1")
    router.include_router(signatures.router, prefix="/api/v1")
    router.include_router(dashboards.router, prefix="/api/v1")
    router.include_router(queues.router, prefix="/api/v1")
    router.include_router(boards.router, prefix="/api/v1")
    router.include_router(audit.router, prefix="/api/v1")
    router.include_router(attachments.router, prefix="/api/v1")
    router.include_router(exports.router, prefix="/api/v1")
    router.include_router(users.router, prefix="/api/v1")
    router.include_router(administration.router, prefix="/api/v1")
    router.include_router(organisation_audit.router, prefix="/api/v1")
    router.include_router(single_sign_on.router, prefix="/api/v1")
    router.include_router(clients.router, prefix="/api/v1")
    router.include_router(notifications.router, prefix="/api/v1")
    router.include_router(webhooks.router, prefix="/api/v1")
    router.include_router(asyncapi.router)  # beside /openapi.json, outside it
    router.include_router(web.router)
    return tuple(router.routes)


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
