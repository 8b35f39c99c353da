"""Every read model Corral keeps, in one list: the projector, the CLI and the tests use it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from projections.accounts import AccountsProjection, AccountsView
from projections.audit import AuditProjection, AuditView
from projections.database import ViewDatabase
from projections.notifications import NotificationsProjection, NotificationsView
from projections.progress.projection import ProgressProjection
from projections.progress.view import ProgressView
from projections.projection import ViewProjection
from projections.view import View
from projections.webhooks import WebhooksProjection, WebhooksView

V = TypeVar("V", bound=View)


def build_projections(
    database: ViewDatabase, prefix: str = "", public_url: str = "http://127.0.0.1:8000"
) -> list[ViewProjection[Any]]:
    """One projection per read model, over views named with `prefix` (empty for the live views); links in the mail
    the inbox writes start with `public_url`."""
    return [
        ProgressProjection(ProgressView(database, prefix)),
        AuditProjection(AuditView(database, prefix)),
        NotificationsProjection(NotificationsView(database, prefix, public_url)),
        AccountsProjection(AccountsView(database, prefix)),
        WebhooksProjection(WebhooksView(database, prefix)),
    ]


def view_of(projections: Sequence[ViewProjection[Any]], kind: type[V]) -> V:
    """The view of this kind among the projections."""
    return next(p.view for p in projections if isinstance(p.view, kind))
