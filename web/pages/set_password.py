"""Choosing a password by the link an administrator had emailed: once, before it expires; then signed in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from api.http.deps import CorralApp, ServerSettings
from api.http.links import WeakPasswordError, open_session_after_link, password_chosen, token_hash
from api.http.session import require_this_site
from domain.errors import DomainError
from web.pages.base import FormFailure, page_router, see_other
from web.pages.rendering import render

router = page_router()
FORM = "set-password"


def _form(request: Request, username: str, token: str, failure: FormFailure | None, status: int = 200) -> Response:
    context = {"title": "Choose your password", "username": username, "token": token, "failure": failure}
    return render(request, "set_password.html", context, None, status)


def _spent(request: Request, error: DomainError) -> Response:
    context = {"title": "That link no longer works", "spent": f"{error}.", "failure": None}
    return render(request, "set_password.html", context, None, 410)


@router.get("/set-password")
def set_password_page(request: Request, corral: CorralApp, username: str = "", token: str = "") -> Response:
    """The form to choose a password, if the link still works; else says what to do."""
    try:
        corral.account_with_link(username, token_hash(token), datetime.now(UTC))
    except DomainError as error:
        return _spent(request, error)
    return _form(request, username, token, None)


@router.post("/set-password")
def set_password(
    request: Request,
    corral: CorralApp,
    settings: ServerSettings,
    username: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    confirmation: Annotated[str, Form()] = "",
) -> Response:
    """Set the password by the link, then sign in and go home."""
    require_this_site(request, settings)
    now = datetime.now(UTC)
    try:
        account = corral.account_with_link(username, token_hash(token), now)
        organisation = corral.organisation(account.organisation_id).name
    except DomainError as error:
        return _spent(request, error)
    errors = []
    if not password:
        errors.append((f"{FORM}-password", "Enter a password"))
    elif password != confirmation:
        errors.append((f"{FORM}-confirmation", "Enter the same password twice"))
    else:
        try:
            chosen = password_chosen(password, account.username, organisation, settings)
        except WeakPasswordError as error:
            errors.append((f"{FORM}-password", str(error).capitalize()))
    if errors:
        return _form(request, username, token, FormFailure(FORM, {}, errors, 422), 422)
    try:
        corral.set_password_by_link(account.username, token_hash(token), chosen, now)
    except DomainError as error:
        return _spent(request, error)
    response = see_other("/")
    open_session_after_link(response, corral, account.username, settings)
    return response
