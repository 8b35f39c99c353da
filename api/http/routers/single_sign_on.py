"""An organisation's administrator deciding how its users sign in: with passwords or not, whether a first single
sign-on may be linked to an account by its verified email, and linking an identity to an account by hand."""

from __future__ import annotations

from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut
from api.http.deps import BY_ADMINISTRATOR, ServerSettings
from api.http.routing import api_router
from api.storage.identity_providers import IdentityProvider, provider_named
from api.storage.settings import Settings
from domain.identity import SUBJECT
from domain.limits import InvalidInputError

router = api_router(tags=["administration"], dependencies=[BY_ADMINISTRATOR])


class SignInChoiceIn(BaseModel):
    password_sign_in: bool = Field(description="whether the organisation's users may sign in with a password")
    match_verified_email: bool = Field(
        description="whether a first sign-in with an identity provider that names this organisation may be linked to"
        " the one account of the organisation with the identity's verified email"
    )


class IdentityIn(BaseModel):
    provider: str = Field(description="the identity provider's key, as GET /auth/identity-providers lists it")
    subject: str = Field(min_length=1, max_length=SUBJECT.cap, description="the provider's `sub` for the person")


def _configured(settings: Settings, key: str) -> IdentityProvider:
    provider = provider_named(settings.oidc_providers, key)
    if provider is None:
        raise InvalidInputError("provider", f"no identity provider is called {key[:40]!r} here")
    return provider


@router.put("/organisations/{organisation_id}/sign-in", response_model=RecordedOut)
def choose_organisation_sign_in(
    organisation_id: UUID, body: SignInChoiceIn, act: Act, settings: ServerSettings
) -> JSONResponse:
    """Your organisation's sign-in: passwords on or off, and whether a first single sign-on may match by email."""
    return act.run(
        f"sign-in {organisation_id} {body.password_sign_in} {body.match_verified_email}",
        lambda: act.corral.choose_sign_in(
            act.actor,
            organisation_id,
            body.password_sign_in,
            body.match_verified_email,
            act.expected_version,
            single_sign_on_offered=bool(settings.oidc_providers),
        ),
    )


@router.post("/users/{username}/identities", status_code=201, response_model=RecordedOut)
def link_user_identity(username: str, body: IdentityIn, act: Act, settings: ServerSettings) -> JSONResponse:
    """Link an identity provider's subject to an account of your organisation: it then signs in as that account."""
    act.corral.account_to_manage(act.actor, username)  # another organisation's account reads as none, before all else
    provider = _configured(settings, body.provider)
    return act.run(
        f"identity {username} {provider.key} {body.subject}",
        lambda: act.corral.link_identity(act.actor, username, provider.issuer, body.subject, provider.display_name),
        201,
    )
