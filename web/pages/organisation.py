"""The administrator's page of its organisation's details: its name (a rename records why) and its kind."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import Response

from api.http.commands import FormAct
from api.http.deps import ServerSettings, ViewsAfter
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.flash import Flash
from web.pages.users import administrator

router = page_router("/organisation")
ORGANISATION = "/organisation"


def _organisation_page(page: Page, failure: FormFailure | None = None) -> Response:
    administrator(page.viewer.actor)
    organisation = page.corral.organisation(page.viewer.actor.organisation_id)
    return page.show("organisation.html", {"title": "Your organisation", "organisation": organisation}, failure)


@router.get("")
def organisation_page(page: CurrentPage, _: ViewsAfter) -> Response:
    """The organisation's name, code and kind, and the form to rename it."""
    return _organisation_page(page)


@router.post("/name")
def rename(
    page: CurrentPage, act: FormAct, name: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = ""
) -> Response:
    """Record a new name for the organisation, saying why (a merger, a new name for an ICB)."""
    administrator(act.actor)
    return page.act(
        act,
        lambda: act.corral.rename_organisation(
            act.actor, act.actor.organisation_id, name, reason, act.expected_version
        ),
        "rename",
        {"name": name, "reason": reason},
        lambda failure: _organisation_page(page, failure),
        ORGANISATION,
        confirmed=Flash(
            f"Your organisation is now called {name.strip()}.", "Every page and the record use the new name."
        ),
    )


@router.post("/sign-in")
def choose_sign_in(
    page: CurrentPage,
    act: FormAct,
    settings: ServerSettings,
    password_sign_in: Annotated[str, Form()] = "",
    match_verified_email: Annotated[str, Form()] = "",
) -> Response:
    """Choose how the organisation's users sign in: passwords on or off, and matching a first single sign-on by
    verified email."""
    administrator(act.actor)
    passwords, by_email = password_sign_in == "yes", match_verified_email == "yes"
    return page.act(
        act,
        lambda: act.corral.choose_sign_in(
            act.actor,
            act.actor.organisation_id,
            passwords,
            by_email,
            act.expected_version,
            single_sign_on_offered=bool(settings.oidc_providers),
        ),
        "sign-in",
        {"password_sign_in": password_sign_in, "match_verified_email": match_verified_email},
        lambda failure: _organisation_page(page, failure),
        ORGANISATION,
        confirmed=Flash(
            "Your users sign in "
            + ("with a password or single sign-on." if passwords else "with single sign-on only."),
            "A first single sign-on is linked to the account with its verified email."
            if by_email
            else "An administrator links each single sign-on to its account.",
        ),
    )
