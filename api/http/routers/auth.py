"""Signing in: the OAuth2 password flow and client-credentials grant, and who the token belongs to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Form, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.http.deps import CorralApp, CurrentActor, Ledger, Revocations, ServerSettings, SessionClaims
from api.http.client_credentials import OAuthRefusal, client_token, unsupported_grant
from api.http.devices import set_device_cookie
from api.http.routing import api_router
from api.http.security import SignInError, Verified, issue_token, read_token
from api.http.session import check_password, clear_session_cookie, csrf_token, open_session, require_this_site
from api.storage.settings import Settings
from api.http.sign_in import SignInLedger, http_refusal
from domain.application import Corral

router = api_router(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str
    expires_in: int
    scope: str | None = Field(default=None, description="an API client's token: the scopes it carries, space-separated")


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


class TokenForm:
    """A token request, as RFC 6749 writes it: the password grant (the default) or client credentials."""

    def __init__(
        self,
        grant_type: Annotated[str | None, Form(description="password (the default) or client_credentials")] = None,
        username: Annotated[str | None, Form()] = None,
        password: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
        scope: Annotated[str, Form(description="a client's scopes, space-separated; all of its own if none")] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        self.grant_type, self.scope = grant_type, scope
        self.username, self.password = username, password
        self.client_id, self.client_secret = client_id, client_secret

    def password_form(self) -> OAuth2PasswordRequestForm:
        """The password grant's form; 422 naming a missing username or password, as ever."""
        missing = [name for name in ("username", "password") if getattr(self, name) is None]
        if missing:
            raise RequestValidationError(
                [{"type": "missing", "loc": ("body", name), "msg": "Field required", "input": None} for name in missing]
            )
        return OAuth2PasswordRequestForm(
            username=str(self.username), password=str(self.password), scope=self.scope, grant_type="password"
        )


class OAuthError(BaseModel):
    """A token request refused as OAuth2 words it (RFC 6749 §5.2), e.g. invalid_client, invalid_scope."""

    error: str
    error_description: str | None = None


OAUTH_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": OAuthError, "description": "a client-credentials request OAuth2 refuses: a scope or grant type"},
    401: {"model": OAuthError, "description": "invalid_client (OAuth2), or the username or password is wrong"},
}


@router.post("/auth/token", response_model=Token, response_model_exclude_none=True, responses=OAUTH_REFUSALS)
def sign_in(
    request: Request,
    form: Annotated[TokenForm, Depends()],
    corral: CorralApp,
    settings: ServerSettings,
    ledger: Ledger,
    response: Response,
) -> Token | JSONResponse:
    """Exchange a username and password for a short-lived bearer token (and a device cookie: see the README); or,
    with grant_type=client_credentials, an API client's id and secret for a token within its scopes."""
    if form.grant_type == "client_credentials":
        return _client_token(request, form, corral, settings, ledger)
    if form.grant_type not in (None, "password"):
        return unsupported_grant(str(form.grant_type)).response()
    verified = _signed_in(request, form.password_form(), corral, ledger, settings)
    set_device_cookie(response, verified.actor.user_id, settings)
    return Token(access_token=_token(verified, settings), token_type="bearer", expires_in=settings.token_minutes * 60)


def _client_token(
    request: Request, form: TokenForm, corral: Corral, settings: Settings, ledger: SignInLedger
) -> Token | JSONResponse:
    try:
        issued = client_token(request, corral, ledger, settings, (form.client_id, form.client_secret, form.scope))
    except OAuthRefusal as refusal:
        return refusal.response()
    except SignInError as error:
        raise http_refusal(error) from None
    expires_in = settings.token_minutes * 60
    return Token(
        access_token=issued.access_token, token_type="bearer", expires_in=expires_in, scope=" ".join(issued.scopes)
    )


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
