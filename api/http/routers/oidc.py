"""Signing in with an OpenID Connect identity provider (NHS CIS2, Microsoft Entra ID): the providers offered, the
start of a sign-in (off to the provider) and its callback, which opens the same browser session a password does.

The start and the callback are addresses a browser is sent to, outside /api/v1: a refusal is a page for a browser
(asking for HTML) and problem+json for any other client. The identity signs in as the account linked to it
(domain/signing_in.py); an identity no account is linked to is refused, never given an account of its own.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from api.http.deps import AccountsReadings, CorralApp, ServerSettings
from api.http.errors import domain_problem, organisation_names, wants_page
from api.http.oidc import PENDING_COOKIE, Pending, ProviderClient, SignInFailedError
from api.http.routing import API, root_router
from api.http.security import Verified
from api.http.session import local_path, open_session
from api.storage.identity_providers import IdentityProvider, provider_named
from api.storage.settings import Settings
from domain.errors import DomainError
from domain.signing_in import Claimed
from projections.accounts.queries import usernames_with_email

router = root_router(tags=["auth"])
log = logging.getLogger("corral.sign_in")
START = "/auth/oidc"


class IdentityProviderOut(BaseModel):
    key: str = Field(examples=["cis2"])
    display_name: str = Field(examples=["NHS CIS2"])
    sign_in: str = Field(description="where to send a browser to sign in with it", examples=["/auth/oidc/cis2"])


def _provider(settings: Settings, key: str) -> IdentityProvider:
    provider = provider_named(settings.oidc_providers, key)
    if provider is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no identity provider is called {key[:40]!r} here")
    return provider


def _client(settings: Settings, provider: IdentityProvider) -> ProviderClient:
    return ProviderClient(provider, f"{settings.public_url.rstrip('/')}{START}/{provider.key}/callback")


def _onwards(request: Request, next_page: str) -> Response:
    """On to the page the person was going to. A browser is sent by a page of this site, not a redirect: arriving
    from the provider's site, the redirect would still be cross-site, and the browser would not send the new
    SameSite=Strict session cookie with it."""
    if not wants_page(request):
        return RedirectResponse(next_page, status_code=303)
    address = html.escape(next_page, quote=True)
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={address}">'
        f'<title>Signed in - Corral</title></head><body><p>You are signed in. <a href="{address}">Continue</a></p>'
        "</body></html>"
    )
    return HTMLResponse(page)


@router.get(f"{API}/auth/identity-providers", response_model=list[IdentityProviderOut])
def list_identity_providers(settings: ServerSettings) -> list[IdentityProviderOut]:
    """The identity providers this server signs people in with, and where a browser starts with each."""
    return [
        IdentityProviderOut(key=p.key, display_name=p.display_name, sign_in=f"{START}/{p.key}")
        for p in settings.oidc_providers
    ]


@router.get(f"{START}/{{provider}}", response_class=RedirectResponse, status_code=303)
def start_identity_provider_sign_in(provider: str, settings: ServerSettings, next: str = "/") -> Response:
    """Send the browser to the identity provider to sign in, remembering the sign-in in a short-lived signed cookie."""
    chosen = _provider(settings, provider)
    pending = Pending.fresh(chosen.key, local_path(next))
    try:
        url = _client(settings, chosen).authorization_url(pending)
    except SignInFailedError as error:
        log.warning("single sign-on could not start", extra={"provider": chosen.display_name, "reason": str(error)})
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"{chosen.display_name}: {error}") from None
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        PENDING_COOKIE,
        pending.sealed(settings.signing_key(), settings.oidc_state_minutes),
        max_age=settings.oidc_state_minutes * 60,
        path=START,
        httponly=True,
        samesite="lax",  # the provider sends the browser back by a top-level GET from its own site
        secure=settings.secure_cookies,
    )
    return response


@router.get(f"{START}/{{provider}}/callback", response_class=RedirectResponse, status_code=303)
def finish_identity_provider_sign_in(
    provider: str,
    request: Request,
    corral: CorralApp,
    settings: ServerSettings,
    accounts: AccountsReadings,
    code: str = "",
    state: str = "",
    error: str = "",
    error_description: str = "",
) -> Response:
    """The identity provider's answer: check it, find the account the identity is linked to, and open the session."""
    chosen = _provider(settings, provider)
    facts: dict[str, Any] = {"provider": chosen.display_name, "client": request.client.host if request.client else ""}
    try:
        pending = Pending.unsealed(request.cookies.get(PENDING_COOKIE), settings.signing_key(), chosen.key, state)
        if error or not code:
            said = (error_description or error or "no code")[:200]  # the provider's words, as it sent them
            raise SignInFailedError(f"{chosen.display_name} did not sign you in: {said}")
        claims = _client(settings, chosen).claims(code, pending)
    except SignInFailedError as failure:
        log.warning("single sign-on failed", extra=facts | {"reason": str(failure)})
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(failure)) from None
    claimed = Claimed(
        issuer=chosen.issuer,
        subject=str(claims["sub"]),
        provider=chosen.display_name,
        email=str(claims.get("email") or ""),
        email_verified=claims.get("email_verified") is True,
        organisation_codes=chosen.claimed_organisations(claims),
    )
    facts |= {"subject": claimed.subject[:100], "email": claimed.email[:100]}
    try:
        account = corral.sign_in_with_identity(
            claimed, lambda organisation_id, email: usernames_with_email(accounts, organisation_id, email)
        )
    except DomainError as refusal:
        log.warning("single sign-on refused", extra=facts | {"reason": str(refusal)})
        if wants_page(request):
            raise HTTPException(status.HTTP_403_FORBIDDEN, str(refusal)) from None
        return domain_problem(refusal, organisation_names(corral))
    log.info("signed in with an identity provider", extra=facts | {"username": account.username})
    response = _onwards(request, pending.next)
    open_session(response, Verified(account.as_actor(), account.password_generation), settings)
    response.delete_cookie(PENDING_COOKIE, path=START, httponly=True, samesite="lax", secure=settings.secure_cookies)
    return response
