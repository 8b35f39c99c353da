"""Build the application and its views from settings: the one place dependencies are wired together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.storage.beside import Beside
from api.storage.mail import Mailer
from api.storage.webhooks import WebhookDeliverer
from api.storage.proof import UnchainedLogError, refuse_unchained
from api.storage.settings import Settings, postgres_options
from domain.application import Corral
from projections.database import ViewDatabase
from projections.projection import ViewProjection
from projections.progress.view import ProgressView
from projections.registry import build_projections, view_of
from projections.reminders import ReminderSweep
from projections.runner import Projector


def build_application(settings: Settings | None = None, *, chained: bool = True) -> Corral:
    """A Corral application on the configured event store, creating its tables if needed. Unless told the log may be
    unchained (`corral log …`, which migrates and verifies it), it refuses a log with events not yet chained
    (UnchainedLogError): whatever saved into it would chain on from the wrong head."""
    settings = settings or Settings()
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    corral = Corral(
        env=settings.eventsourcing_env(), clock=settings.clock(), webhook_networks=settings.webhook_allowed_networks
    )
    if chained:
        try:
            refuse_unchained(corral.recorder)
        except UnchainedLogError:
            corral.close()
            raise
    return corral


def build_views(settings: Settings | None = None) -> tuple[ViewDatabase, list[ViewProjection[Any]]]:
    """The views' database and every projection, with their tables created if missing."""
    settings = settings or Settings()
    database = ViewDatabase(settings.database_url, settings.database_schema, postgres_options(settings))
    projections = build_projections(database, public_url=settings.public_url)
    for projection in projections:
        projection.view.reading_clock = settings.clock()
        projection.view.create()
    return database, projections


def build_duties(
    corral: Corral, projections: list[ViewProjection[Any]], settings: Settings
) -> list[Callable[[], None]]:
    """What the one active projector does besides projecting: Corral's reminders."""
    return [ReminderSweep(corral, view_of(projections, ProgressView), settings.reminder_seconds)]


def start_beside(projector: Projector, settings: Settings) -> list[Beside]:
    """Start what works beside the projector, only while it holds its lock: the mailer and the webhook deliverer."""
    return [Mailer.beside(projector, settings).start(), WebhookDeliverer.beside(projector, settings).start()]
