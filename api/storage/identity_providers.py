"""The OpenID Connect identity providers a server signs people in with (NHS CIS2, Microsoft Entra ID), configured by
`CORRAL_OIDC_PROVIDERS`, a JSON list; each client secret given inline or, as container secrets are mounted, in a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from api.storage.secret_files import SettingFileError

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
        if self.client_secret is not None and self.client_secret_file is not None:
            raise ValueError(f"give {self.key}'s client_secret or client_secret_file, not both")
        return self

    def secret(self) -> str | None:
        """The client secret, read from its file when it is kept in one (one trailing newline dropped)."""
        if self.client_secret_file is None:
            return None if self.client_secret is None else self.client_secret.get_secret_value()
        try:
            return self.client_secret_file.read_text(encoding="utf-8").removesuffix("\n").removesuffix("\r")
        except OSError as error:
            raise SettingFileError(
                f"the client_secret_file of identity provider {self.key} ({self.client_secret_file}) cannot be read:"
                f" {error.strerror}"
            ) from None

    def claimed_organisations(self, claims: dict[str, object]) -> tuple[str, ...]:
        """The organisation codes the organisation claim holds: one, several in a list, or none."""
        found: list[object] = [claims]
        for name in self.organisation_claim.split("."):
            found = [
                item
                for value in found
                for item in (value if isinstance(value, list) else [value])
                if isinstance(item, dict)
                for item in [item.get(name)]
                if item is not None
            ]
        codes = [c for value in found for c in (value if isinstance(value, list) else [value]) if isinstance(c, str)]
        return tuple(dict.fromkeys(code.strip() for code in codes if code.strip()))


def provider_named(providers: list[IdentityProvider], key: str) -> IdentityProvider | None:
    """The configured identity provider with this key, if there is one."""
    return next((provider for provider in providers if provider.key == key), None)
