"""The OpenID Connect identity providers a server signs people in with (NHS CIS2, Microsoft Entra ID), configured by
`CORRAL_OIDC_PROVIDERS`, a JSON list; each client secret given inline or, as container secrets are mounted, in a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class IdentityProvider(BaseModel):
    """One identity provider: how it is named and found, this service's client of it, and what its tokens carry."""

    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")]  # in this server's addresses: /auth/oidc/<key>
    display_name: Annotated[str, Field(min_length=1, max_length=100)]  # "NHS CIS2", "Microsoft Entra ID"
    issuer: str  # its discovery document is at <issuer>/.well-known/openid-configuration
    client_id: Annotated[str, Field(min_length=1)]
    client_secret: SecretStr | None = None
    client_secret_file: Path | None = None
    scopes: str = "openid profile email"
    # The claim naming the person's organisation by its code (ODS code); a dotted path reaches into a nested claim,
    # and a list gives several (CIS2: `nhsid_user_orgs.org_code`).
    organisation_claim: str = "org_code"
    # The organisations (by code) whose people this provider may speak for: "*" for any, as a national provider
    # (NHS CIS2) does; a trust's own Entra ID tenant names its own code(s), so a token from it naming another
    # organisation is not believed (neither to match an email nor to sign in to another organisation's account).
    organisations: list[str] = ["*"]

    @field_validator("issuer")
    @classmethod
    def _https(cls, issuer: str) -> str:
        """An issuer is an https URL (http only on this machine, for a provider a developer or a test runs)."""
        parts = urlsplit(issuer)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
            raise ValueError(f"an issuer is an https:// URL, not {issuer!r}")
        return issuer.rstrip("/")

    @field_validator("scopes")
    @classmethod
    def _openid(cls, scopes: str) -> str:
        if "openid" not in scopes.split():
            raise ValueError("the scopes must include openid")
        return scopes

    @model_validator(mode="after")
    def _one_secret(self) -> IdentityProvider:
        """A secret given inline, or read now from its file: a file that cannot be read stops the server at start."""
        if self.client_secret_file is None:
            return self
        if self.client_secret is not None:
            raise ValueError(f"give {self.key}'s client_secret or client_secret_file, not both")
        try:
            text = self.client_secret_file.read_text(encoding="utf-8")
        except OSError as error:
            raise ValueError(f"{self.key}'s client_secret_file {self.client_secret_file}: {error.strerror}") from None
        self.client_secret = SecretStr(text.removesuffix("\n").removesuffix("\r"))
        return self

    def secret(self) -> str | None:
        """The client secret, if the provider was given one."""
        return None if self.client_secret is None else self.client_secret.get_secret_value()

    def claimed_organisations(self, claims: dict[str, object]) -> tuple[str, ...]:
        """The organisation codes the organisation claim holds: one, several in a list, or none. Each name of a
        dotted path is looked up in every object reached so far, lists being read item by item."""
        reached: list[object] = [claims]
        for name in self.organisation_claim.split("."):
            reached = [item.get(name) for item in _items(reached) if isinstance(item, dict)]
        codes = (code.strip() for code in _items(reached) if isinstance(code, str))
        vouched = (code for code in codes if code and ("*" in self.organisations or code in self.organisations))
        return tuple(dict.fromkeys(vouched))


def _items(values: list[object]) -> list[object]:
    """The values, each list among them opened into its items."""
    return [item for value in values for item in (value if isinstance(value, list) else [value])]


def provider_named(providers: list[IdentityProvider], key: str) -> IdentityProvider | None:
    """The configured identity provider with this key, if there is one."""
    return next((provider for provider in providers if provider.key == key), None)
