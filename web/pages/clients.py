"""The administrator's API clients page: its organisation's clients; register one (its secret shown on the page that
answers, once, and never again) and revoke one. Every change goes through the API clients' use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import Response

from api.http.client_credentials import hash_secret, new_credentials
from api.http.commands import FormAct, Refusal
from api.http.deps import AccountsReadings, ViewsAfter
from api.http.paging import Paged, Paging
from domain.account_rules import role_named
from domain.api_client import SCOPES, client_roles
from domain.service import Recorded
from projections.accounts.queries import ClientRow, organisation_clients
from projections.accounts.view import AccountsView
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.flash import Flash
from web.pages.listing import page_links
from web.pages.users import administrator

router = page_router("/clients")
CLIENTS = "/clients"


def _clients_page(
    page: Page, view: AccountsView, failure: FormFailure | None = None, paging: Paging | None = None
) -> Response:
    actor = page.viewer.actor
    administrator(actor)
    kind = page.corral.organisation(actor.organisation_id).kind
    listed = (paging or Paging()).page(organisation_clients(view, actor.organisation_id), ClientRow.place)
    context = {
        "title": "API clients",
        "clients": listed.rows,
        **page_links(page.request, listed.next_cursor),
        "roles": sorted(r.value for r in client_roles(kind)),
        "scopes": SCOPES,
    }
    return page.show("clients.html", context, failure)


@router.get("")
def clients_page(page: CurrentPage, view: AccountsReadings, _: ViewsAfter, paging: Paged) -> Response:
    """Your organisation's API clients, by name, a page at a time: name, id, role, scopes and whether revoked."""
    return _clients_page(page, view, paging=paging)


@router.post("/register")
def register(
    page: CurrentPage,
    act: FormAct,
    view: AccountsReadings,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Register a client; the page that answers shows its secret, this once (a repeat of the form does not)."""
    administrator(act.actor)
    client_id, secret = new_credentials()
    values = {"name": name, "role": role, "scopes": scopes or []}

    def registered() -> Recorded:
        chosen = role_named(role)
        return act.corral.register_api_client(act.actor, client_id, name, chosen, scopes or [], hash_secret(secret))

    outcome = act.attempt(f"{CLIENTS}/register {sorted(values.items())}", registered)
    if isinstance(outcome, Refusal):
        return page.refused(outcome, "register", values, lambda failure: _clients_page(page, view, failure))
    shown = {"client_id": client_id, "secret": secret} if type(outcome) is Recorded else None
    context = {"title": "API client registered", "name": name, "shown": shown, "position": outcome.position}
    return page.show("client_registered.html", context)


@router.post("/{client_id}/revoke")
def revoke(
    page: CurrentPage, act: FormAct, view: AccountsReadings, client_id: str, reason: Annotated[str, Form()] = ""
) -> Response:
    """Revoke a client, saying why: its tokens stop at once, and its live sockets close."""
    administrator(act.actor)
    action = lambda: act.corral.revoke_api_client(act.actor, client_id, reason, act.expected_version)  # noqa: E731
    flash = Flash("The client is revoked.", "Its tokens no longer work and its live updates are closed.")
    again = lambda failure: _clients_page(page, view, failure)  # noqa: E731
    return page.act(act, action, f"revoke-{client_id}", {"reason": reason}, again, CLIENTS, confirmed=flash)
