"""Signing in: the OAuth2 password flow, and who the token belongs to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import CorralApp, CurrentActor, ServerSettings
from api.security import SignInError, authenticate, issue_token

router = APIRouter(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str
    expires_in: int


class Me(BaseModel):
    username: str
    organisation_id: str
    organisation: str
    role: str


@router.post("/auth/token", response_model=Token)
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], corral: CorralApp, settings: ServerSettings
) -> Token:
    """Exchange a username and password for a short-lived bearer token."""
    try:
        actor = authenticate(corral, form.username, form.password)
    except SignInError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None
    token = issue_token(actor, settings.signing_key(), settings.token_minutes)
    return Token(access_token=token, token_type="bearer", expires_in=settings.token_minutes * 60)


@router.get("/me", response_model=Me)
def me(actor: CurrentActor, corral: CorralApp) -> Me:
    """The signed-in user, their organisation and role."""
    organisation = corral.organisation(actor.organisation_id)
    return Me(
        username=actor.user_id,
        organisation_id=str(actor.organisation_id),
        organisation=organisation.name,
        role=actor.role.value,
    )
