"""Signing in and out, and where the service starts for each role."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import Response

from api.http.deps import CorralApp, CurrentActor, Ledger, Revocations, ServerSettings, SessionClaims
from api.http.session import check_password, clear_session_cookie, local_path, open_session, require_this_site
from domain.actors import Role
from domain.errors import DomainError
from web.pages.base import FormFailure, page_router, see_other
from web.pages.rendering import render

router = page_router()


@router.get("/")
def start(actor: CurrentActor) -> Response:
    """Providers and the commissioner start at their home and its work queue, an administrator at its users, everyone
    else at their programmes."""
    if actor.role is Role.ADMINISTRATOR:
        return see_other("/users")
    return see_other("/home" if actor.role in (Role.PROVIDER, Role.COMMISSIONER) else "/programmes")


def _sign_in_context(request: Request, next: str, signed_out: bool, failure: FormFailure | None) -> dict[str, Any]:
    """What the sign-in page shows: the form, and a way in by each identity provider the server offers."""
    providers = [
        (provider.display_name, f"/auth/oidc/{provider.key}?{urlencode({'next': next})}")
        for provider in request.app.state.settings.oidc_providers
    ]
    return {"next": next, "signed_out": signed_out, "failure": failure, "providers": providers}


@router.get("/sign-in")
def sign_in_page(request: Request, next: str | None = None, signed_out: bool = False) -> Response:
    """The sign-in form, and a button for each identity provider."""
    return render(request, "sign_in.html", _sign_in_context(request, local_path(next), signed_out, None), None)


@router.post("/sign-in")
def sign_in(
    request: Request,
    corral: CorralApp,
    settings: ServerSettings,
    ledger: Ledger,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password, start the session cookie and go where the user was going."""
    require_this_site(request, settings)
    errors = []
    if not username.strip():
        errors.append(("sign-in-username", "Enter your username"))
    if not password:
        errors.append(("sign-in-password", "Enter your password"))
    if not errors:
        try:
            verified = check_password(request, corral, ledger, settings, username, password)
        except DomainError as error:  # the same words whatever is wrong, or how long to wait after many failures
            errors.append(("sign-in-username", str(error).capitalize()))
        else:
            response = see_other(local_path(next))
            open_session(response, verified, settings)
            return response
    failure = FormFailure("sign-in", {"username": username}, errors)
    return render(request, "sign_in.html", _sign_in_context(request, local_path(next), False, failure), None, 400)


@router.post("/sign-out")
def sign_out(claims: SessionClaims, settings: ServerSettings, revocations: Revocations) -> Response:
    """End the session: the token is revoked (its live sockets closed) and the cookie cleared."""
    revocations.revoke(claims.token_id, claims.expires_at)
    response = see_other("/sign-in?signed_out=true")
    clear_session_cookie(response, settings)
    return response
