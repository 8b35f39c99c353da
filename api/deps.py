"""Dependencies the routes declare: the application, the settings and the signed-in actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from api.security import SignInError, actor_from_token
from api.settings import Settings
from domain.actors import Actor
from domain.application import Corral

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


def get_actor(corral: CorralApp, settings: ServerSettings, token: Annotated[str | None, Depends(bearer)]) -> Actor:
    """The signed-in actor, or 401."""
    if token is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first", {"WWW-Authenticate": "Bearer"})
    try:
        return actor_from_token(corral, token, settings.signing_key())
    except SignInError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None


CurrentActor = Annotated[Actor, Depends(get_actor)]
