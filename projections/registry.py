"""Every read model Corral keeps, in one list: the projector, the CLI and the tests use it."""

from __future__ import annotations

from typing import Any

from projections.audit import AuditProjection, AuditView
from projections.database import ViewDatabase
from projections.progress.projection import ProgressProjection
from projections.progress.view import ProgressView
from projections.projection import ViewProjection


def build_projections(database: ViewDatabase, prefix: str = "") -> list[ViewProjection[Any]]:
    """One projection per read model, over views named with `prefix` (empty for the live views)."""
    return [
        ProgressProjection(ProgressView(database, prefix)),
        AuditProjection(AuditView(database, prefix)),
    ]
