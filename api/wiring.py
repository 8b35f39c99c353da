"""Build the application from settings: the one place dependencies are wired together."""

from __future__ import annotations

from api.settings import Settings
from domain.application import Corral


def build_application(settings: Settings | None = None) -> Corral:
    """A Corral application on the configured event store, creating its tables if needed."""
    settings = settings or Settings()
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return Corral(env=settings.eventsourcing_env())
