"""Signing in: the OAuth2 password flow, and who the token belongs to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import BearerToken, CorralApp, CurrentActor, Ledger, ServerSettings
from api.security import SignInError, authenticate, issue_token, read_token

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
    form: Annotated[OAuth2PasswordRequestForm, Depends()], corral: CorralApp, settings: ServerSettings, ledger: Ledger
) -> Token:
    """Exchange a username and password for a short-lived bearer token."""
    username = form.username.strip().lower()
    wait = ledger.seconds_until_allowed(username)
    if wait:
        message = f"too many failed sign-ins for {username}: try again in {wait} seconds"
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, message, {"Retry-After": str(wait)})
    try:
        actor = authenticate(corral, username, form.password)
    except SignInError as error:
        ledger.failed(username)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None
    ledger.succeeded(username)
    token = issue_token(actor, settings.signing_key(), settings.token_minutes)
    return Token(access_token=token, token_type="bearer", expires_in=settings.token_minutes * 60)


@router.post("/auth/logout", status_code=204)
def sign_out(actor: CurrentActor, token: BearerToken, settings: ServerSettings, ledger: Ledger) -> None:
    """Revoke the token this request carries."""
    claims = read_token(token or "", settings.signing_key())
    ledger.revoke(claims.token_id, claims.expires_at)


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
