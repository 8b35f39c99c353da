"""Every read model Corral keeps, in one list: the projector, the CLI and the tests use it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from projections.audit import AuditProjection, AuditView
from projections.database import ViewDatabase
from projections.notifications import NotificationsProjection, NotificationsView
from projections.progress.projection import ProgressProjection
from projections.progress.view import ProgressView
from projections.projection import ViewProjection
from projections.view import View

V = TypeVar("V", bound=View)


def build_projections(database: ViewDatabase, prefix: str = "") -> list[ViewProjection[Any]]:
    """One projection per read model, over views named with `prefix` (empty for the live views)."""
    return [
        ProgressProjection(ProgressView(database, prefix)),
        AuditProjection(AuditView(database, prefix)),
        NotificationsProjection(NotificationsView(database, prefix)),
    ]


def view_of(projections: Sequence[ViewProjection[Any]], kind: type[V]) -> V:
    """The view of this kind among the projections."""
    return next(p.view for p in projections if isinstance(p.view, kind))
