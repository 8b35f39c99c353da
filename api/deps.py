"""Dependencies the routes declare: the application, the settings and the signed-in actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import OAuth2PasswordBearer

from api.idempotency import IdempotencyKeys
from api.sign_in import SignInLedger
from api.security import SignInError, actor_from_token
from api.settings import Settings
from domain.actors import Actor
from domain.application import Corral
from projections.progress.view import ProgressView
from projections.runner import wait_for

bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_corral(request: Request) -> Corral:
    """The application the server was started with."""
    corral: Corral = request.app.state.corral
    return corral


def get_settings(request: Request) -> Settings:
    """The server's settings."""
    settings: Settings = request.app.state.settings
    return settings


CorralApp = Annotated[Corral, Depends(get_corral)]
ServerSettings = Annotated[Settings, Depends(get_settings)]


def get_ledger(request: Request) -> SignInLedger:
    """Failed sign-ins and revoked tokens."""
    ledger: SignInLedger = request.app.state.sign_ins
    return ledger


Ledger = Annotated[SignInLedger, Depends(get_ledger)]
BearerToken = Annotated[str | None, Depends(bearer)]


def get_actor(corral: CorralApp, settings: ServerSettings, ledger: Ledger, token: BearerToken) -> Actor:
    """The signed-in actor, or 401."""
    if token is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first", {"WWW-Authenticate": "Bearer"})
    try:
        return actor_from_token(corral, token, settings.signing_key(), ledger.is_revoked)
    except SignInError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None


CurrentActor = Annotated[Actor, Depends(get_actor)]


def get_progress_view(request: Request) -> ProgressView:
    """The progress read model."""
    view: ProgressView = next(p.view for p in request.app.state.views if isinstance(p.view, ProgressView))
    return view


def views_after(
    request: Request,
    corral: CorralApp,
    after: Annotated[
        int | None, Query(description="wait (up to 5 s) until the views include this log position")
    ] = None,
) -> None:
    """Read-your-writes: hold the read until the views have applied the position a command returned."""
    if after is not None:
        try:
            wait_for(corral.name, request.app.state.views, after, timeout=5.0)
        except TimeoutError:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, f"the views have not reached {after} yet"
            ) from None


def get_idempotency(request: Request) -> IdempotencyKeys:
    """The store of answers given to keyed requests."""
    keys: IdempotencyKeys = request.app.state.idempotency
    return keys


ProgressReadings = Annotated[ProgressView, Depends(get_progress_view)]
Idempotency = Annotated[IdempotencyKeys, Depends(get_idempotency)]
ViewsAfter = Annotated[None, Depends(views_after)]
