"""An organisation's administrator registers, lists and revokes its API clients: other systems acting for it.

A client's secret is in the answer that registers it, and nowhere else: it is recorded only as an argon2 hash, not
kept with the Idempotency-Key (a replay answers without it), and never listed. Another organisation's client reads
exactly like one that does not exist (404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.client_credentials import hash_secret, new_credentials
from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_ADMINISTRATOR, AccountsReadings, CurrentActor, ViewsAfter
from api.http.paging import Paged
from api.http.routers.users import ReasonIn
from api.http.routing import api_router
from domain.account_rules import role_named
from domain.api_client import SCOPES
from domain.limits import NAME
from projections.accounts.queries import ClientRow, organisation_clients

router = api_router(tags=["api clients"], dependencies=[BY_ADMINISTRATOR])
SCOPE_LIST = ", ".join(f"{scope} ({what})" for scope, what in SCOPES.items())


class ClientIn(BaseModel):
    name: str = Field(max_length=NAME.cap, examples=["Torbay evidence feed"], description="what the system is")
    role: str = Field(
        examples=["provider"],
        description="the role it acts with: one a person of the organisation could hold, never administrator",
    )
    scopes: list[str] = Field(
        max_length=len(SCOPES), examples=[["progress:read", "evidence:submit"]], description=f"any of: {SCOPE_LIST}"
    )


class ClientRegisteredOut(RecordedOut):
    client_id: str
    client_secret: str | None = Field(
        None, description="shown in this answer only, and never again: keep it safe (absent from a replay)"
    )


class ClientOut(BaseModel):
    client_id: str
    name: str
    role: str
    scopes: list[str]
    revoked: bool
    registered_at: datetime
    version: int


@router.post("/clients", response_model=ClientRegisteredOut, status_code=201)
def register_api_client(body: ClientIn, act: Act) -> JSONResponse:
    """Register an API client for your organisation: the answer holds its id and, this once, its secret."""
    client_id, secret = new_credentials()
    role = role_named(body.role)

    def register() -> Any:
        return act.corral.register_api_client(act.actor, client_id, body.name, role, body.scopes, hash_secret(secret))

    return act.run(
        f"register_api_client {described(body)}",
        register,
        201,
        more={"client_id": client_id},
        told_once=lambda: {"client_secret": secret},
    )


@router.get("/clients", response_model=list[ClientOut])
def api_clients(actor: CurrentActor, view: AccountsReadings, _: ViewsAfter, paging: Paged) -> Any:
    """Your organisation's API clients, revoked ones too, by name, a page at a time; never their secrets."""
    page = paging.page(organisation_clients(view, actor.organisation_id), ClientRow.place)
    shown = [ClientOut(**{**row.__dict__, "scopes": list(row.scopes)}).model_dump(mode="json") for row in page.rows]
    return paging.read(shown, page.next_cursor)


@router.post("/clients/{client_id}/revocation", response_model=RecordedOut)
def revoke_api_client(client_id: str, body: ReasonIn, act: Act) -> JSONResponse:
    """Revoke an API client, saying why: its tokens stop working at once, and its live sockets close."""
    return act.run(
        f"revoke_api_client {client_id} {described(body)}",
        lambda: act.corral.revoke_api_client(act.actor, client_id, body.reason, act.expected_version),
    )
