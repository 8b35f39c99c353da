"""Identity providers from CORRAL_OIDC_PROVIDERS: NHS CIS2 and Microsoft Entra ID as an operator writes them, each
secret inline or from a file, and the organisation codes their claims carry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.storage.identity_providers import IdentityProvider
from api.storage.secret_files import SettingFileError
from api.storage.settings import Settings

CIS2_ISSUER = "https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/oidc"


def test_cis2_and_entra_are_read_from_the_environment_the_secret_of_one_from_a_mounted_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "entra").write_text("entra secret\n")
    providers = [
        {"key": "cis2", "display_name": "NHS CIS2", "issuer": CIS2_ISSUER, "client_id": "corral", "client_secret": "s"},
        {
            "key": "entra",
            "display_name": "Microsoft Entra ID",
            "issuer": "https://login.microsoftonline.com/tenant/v2.0/",
            "client_id": "app",
            "client_secret_file": str(tmp_path / "entra"),
            "organisation_claim": "extn.odsCode",
        },
    ]
    monkeypatch.setenv("CORRAL_OIDC_PROVIDERS", json.dumps(providers))

    cis2, entra = Settings().oidc_providers

    assert (cis2.display_name, cis2.secret(), cis2.scopes) == ("NHS CIS2", "s", "openid profile email")
    assert (entra.issuer, entra.secret()) == ("https://login.microsoftonline.com/tenant/v2.0", "entra secret")


@pytest.mark.parametrize(
    "wrong",
    [
        {"issuer": "http://login.example.com"},  # not https
        {"scopes": "profile email"},  # no openid
        {"key": "CIS 2"},  # not fit for an address
        {"client_secret": "s", "client_secret_file": "/run/secrets/x"},  # given twice
        {"client_secret_file": "/no/such/file"},  # a secret file that cannot be read stops the server at start
    ],
)
def test_a_provider_that_cannot_be_used_is_refused_when_the_settings_are_read(wrong: dict[str, str]) -> None:
    given = {"key": "cis2", "display_name": "NHS CIS2", "issuer": CIS2_ISSUER, "client_id": "corral"}

    with pytest.raises(ValidationError):
        IdentityProvider.model_validate(given | wrong)


@pytest.mark.parametrize(
    "path,claims,codes",
    [
        ("org_code", {"org_code": "RA9"}, ("RA9",)),
        ("org_code", {"org_code": ["RA9", " RH8 ", "RA9"]}, ("RA9", "RH8")),
        ("org_code", {"email": "x@example.nhs.uk"}, ()),
        ("nhsid_user_orgs.org_code", {"nhsid_user_orgs": [{"org_code": "RA9"}, {"org_name": "?"}, "x"]}, ("RA9",)),
        ("extn.odsCode", {"extn": {"odsCode": "RH8"}}, ("RH8",)),
        ("extn.odsCode", {"extn": "RH8"}, ()),
    ],
)
def test_the_organisation_claim_gives_the_codes_it_holds_however_nested(
    path: str, claims: dict[str, object], codes: tuple[str, ...]
) -> None:
    provider = IdentityProvider(key="p", display_name="P", issuer=CIS2_ISSUER, client_id="c", organisation_claim=path)

    assert provider.claimed_organisations(claims) == codes


def test_a_provider_vouches_only_for_the_organisations_it_is_configured_for() -> None:
    national = IdentityProvider(key="cis2", display_name="NHS CIS2", issuer=CIS2_ISSUER, client_id="c")
    tenant = IdentityProvider(
        key="entra", display_name="Entra", issuer=CIS2_ISSUER, client_id="c", organisations=["RA9", "RA9A"]
    )
    claims: dict[str, object] = {"org_code": ["RA9", "RH8"]}

    assert national.claimed_organisations(claims) == ("RA9", "RH8")
    assert tenant.claimed_organisations(claims) == ("RA9",)  # the tenant cannot speak for the other trust


def test_the_providers_may_be_read_from_a_mounted_file_as_any_setting_and_a_file_of_no_json_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = {"key": "entra", "display_name": "Microsoft Entra ID", "issuer": CIS2_ISSUER, "client_id": "app"}
    (tmp_path / "providers.json").write_text(json.dumps([provider]) + "\n")
    (tmp_path / "broken.json").write_text("[{")
    monkeypatch.delenv("CORRAL_OIDC_PROVIDERS", raising=False)
    monkeypatch.setenv("CORRAL_OIDC_PROVIDERS_FILE", str(tmp_path / "providers.json"))

    assert [p.display_name for p in Settings().oidc_providers] == ["Microsoft Entra ID"]
    monkeypatch.setenv("CORRAL_OIDC_PROVIDERS_FILE", str(tmp_path / "broken.json"))
    with pytest.raises(SettingFileError, match="CORRAL_OIDC_PROVIDERS_FILE"):
        Settings()
