"""The signed-in user as every page shows them: who, for which organisation, the session's CSRF token, unread notices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from api.http.deps import (
    CorralApp,
    CurrentActor,
    NotificationsReadings,
    ServerSettings,
    SessionClaims,
    ViewsAfter,
)
from api.http.session import csrf_token
from domain.actors import Actor, Role
from domain.application import Corral
from domain.account_rules import named
from projections.notifications.queries import unread_count
from projections.notifications.view import NotificationsView

__all__ = ["CurrentViewer", "Viewer", "get_viewer", "viewer_of"]


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the pages need them: who, for which organisation, and the session's CSRF token."""

    actor: Actor
    organisation: str
    csrf: str
    display_name: str = ""
    unread: int = 0  # notices in the inbox not yet read

    @property
    def name(self) -> str:
        """`Priya Shah (dpt.quality)`, or the username alone for someone without a name."""
        return named(self.display_name, self.actor.user_id)

    @property
    def is_provider(self) -> bool:
        """True for provider staff."""
        return self.actor.role is Role.PROVIDER

    @property
    def sees_everything(self) -> bool:
        """True for the commissioner's staff, its finance approvers and auditors."""
        return self.actor.role in (Role.COMMISSIONER, Role.FINANCE_APPROVER, Role.AUDITOR)


def get_viewer(
    actor: CurrentActor,
    claims: SessionClaims,
    settings: ServerSettings,
    corral: CorralApp,
    inbox: NotificationsReadings,
    _: ViewsAfter,
) -> Viewer:
    """The signed-in viewer, with their unread count once the views include any `after` asked; without a session
    the page redirects to sign in."""
    return viewer_of(actor, claims.token_id, settings.signing_key(), corral, inbox)


def viewer_of(actor: Actor, token_id: str, signing_key: str, corral: Corral, inbox: NotificationsView) -> Viewer:
    """The viewer a session (`token_id`) signs in: their organisation's name, the form token, their name and unread
    count."""
    organisation = corral.organisation(actor.organisation_id).name
    csrf = csrf_token(token_id, signing_key)
    name = corral.user_account(actor.user_id).display_name
    return Viewer(actor, organisation, csrf, name, unread_count(inbox, actor.user_id))


CurrentViewer = Annotated[Viewer, Depends(get_viewer)]
