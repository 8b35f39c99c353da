"""Signing in: the OAuth2 password flow, and who the token belongs to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.http.deps import CorralApp, CurrentActor, Ledger, Revocations, ServerSettings, SessionClaims
from api.http.devices import set_device_cookie
from api.http.security import SignInError, Verified, issue_token, read_token
from api.http.session import check_password, clear_session_cookie, csrf_token, open_session, require_this_site
from api.storage.settings import Settings
from api.http.sign_in import SignInLedger, http_refusal
from domain.application import Corral

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
    display_name: str = Field("", description="the name others see beside your username; blank for none")
    email: str = ""


class Session(BaseModel):
    username: str
    csrf_token: str
    expires_in: int


SignInForm = Annotated[OAuth2PasswordRequestForm, Depends()]


def _signed_in(
    request: Request, form: OAuth2PasswordRequestForm, corral: Corral, ledger: SignInLedger, settings: Settings
) -> Verified:
    """Whose password this is, as 401, or 429 after repeated failures."""
    try:
        return check_password(request, corral, ledger, settings, form.username, form.password)
    except SignInError as error:
        raise http_refusal(error) from None


def _token(verified: Verified, settings: Settings) -> str:
    return issue_token(verified.actor, settings.signing_key(), settings.token_minutes, verified.password_generation)


@router.post("/auth/token", response_model=Token)
def sign_in(
    request: Request,
    form: SignInForm,
    corral: CorralApp,
    settings: ServerSettings,
    ledger: Ledger,
    response: Response,
) -> Token:
    """Exchange a username and password for a short-lived bearer token (and a device cookie: see the README)."""
    verified = _signed_in(request, form, corral, ledger, settings)
    set_device_cookie(response, verified.actor.user_id, settings)
    return Token(access_token=_token(verified, settings), token_type="bearer", expires_in=settings.token_minutes * 60)


@router.post(
    "/auth/session", response_model=Session, responses={403: {"description": "a sign-in sent from another site's page"}}
)
def start_session(
    request: Request,
    form: SignInForm,
    corral: CorralApp,
    settings: ServerSettings,
    ledger: Ledger,
    response: Response,
) -> Session:
    """Sign a browser in: the session is an HttpOnly cookie, and changes must carry the CSRF token returned."""
    require_this_site(request, settings)
    verified = _signed_in(request, form, corral, ledger, settings)
    token = open_session(response, verified, settings)
    claims = read_token(token, settings.signing_key())
    return Session(
        username=verified.actor.user_id,
        csrf_token=csrf_token(claims.token_id, settings.signing_key()),
        expires_in=settings.token_minutes * 60,
    )


@router.get("/auth/session", response_model=Session)
def current_session(actor: CurrentActor, claims: SessionClaims, settings: ServerSettings) -> Session:
    """The signed-in session and its CSRF token, for a page that was reloaded."""
    seconds = int((claims.expires_at - datetime.now(UTC)).total_seconds())
    return Session(
        username=actor.user_id, csrf_token=csrf_token(claims.token_id, settings.signing_key()), expires_in=seconds
    )


@router.post("/auth/logout", status_code=204)
def sign_out(
    actor: CurrentActor, claims: SessionClaims, settings: ServerSettings, revocations: Revocations
) -> Response:
    """Revoke the token or session this request carries, closing its live sockets, and clear the session cookie."""
    revocations.revoke(claims.token_id, claims.expires_at)
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response


@router.get("/me", response_model=Me)
def me(actor: CurrentActor, corral: CorralApp) -> Me:
    """The signed-in user, their name and email address, their organisation and role."""
    organisation = corral.organisation(actor.organisation_id)
    account = corral.user_account(actor.user_id)
    return Me(
        username=actor.user_id,
        organisation_id=str(actor.organisation_id),
        organisation=organisation.name,
        role=actor.role.value,
        display_name=account.display_name,
        email=account.email,
    )
