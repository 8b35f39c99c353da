"""An organisation's own audit trail on both databases: what concerns it and belongs to no programme - its users'
single sign-ons with the identity provider named, its API clients, its webhook endpoints, its sign-in choice - and
nothing of another organisation's."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import pytest

from domain.actors import Role
from domain.application import Corral
from domain.identity import UnknownIdentityError
from domain.signing_in import Claimed
from tests.builders import ACUTE_ID, COMMUNITY_ID, OPERATOR, administrator_of
from tests.integration.given import organisations_registered
from tests.integration.test_audit_trail import Trail, trail  # noqa: F401  (the fixture)

CIS2 = "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc"
ENTRA = "https://login.microsoftonline.com/torbay/v2.0"


def nobody_by_email(organisation_id: UUID, email: str) -> Sequence[str]:
    return []


def signed_in(app: Corral, issuer: str, provider: str, subject: str, code: str) -> None:
    app.sign_in_with_identity(Claimed(issuer, subject, provider, "", False, (code,)), nobody_by_email)


def two_trusts_acted(app: Corral) -> None:
    """Each trust's administrator chose single sign-on, linked a user, registered a client (the community trust's
    then revoked) and a webhook endpoint; each user signed in; alice was refused once (her token named only the
    community trust), and a stranger whose identity is linked to no account was refused."""
    organisations_registered(app)
    for code, organisation_id, user, issuer, provider in (
        ("COMMUNITY", COMMUNITY_ID, "colin", CIS2, "NHS CIS2"),
        ("ACUTE", ACUTE_ID, "alice", ENTRA, "Microsoft Entra ID"),
    ):
        admin = administrator_of(organisation_id)
        app.register_user(OPERATOR, user, organisation_id, Role.PROVIDER, "hash", user.title())
        app.choose_sign_in(admin, organisation_id, password_sign_in=True, match_verified_email=True)
        app.link_identity(admin, user, issuer, f"{user}-subject", provider)
        signed_in(app, issuer, provider, f"{user}-subject", code)
        app.register_api_client(admin, f"{user}feedfeedfeed", f"{code} feed", Role.PROVIDER, ["progress:read"], "hash")
        app.register_webhook(admin, f"https://hooks.example/{user}", ["submission.returned"], f"{code} EPR")
    app.revoke_api_client(administrator_of(COMMUNITY_ID), "colinfeedfeedfeed", "The EPR moved.")
    with pytest.raises(UnknownIdentityError):
        signed_in(app, ENTRA, "Microsoft Entra ID", "alice-subject", "COMMUNITY")
    with pytest.raises(UnknownIdentityError):
        signed_in(app, CIS2, "NHS CIS2", "a-stranger", "COMMUNITY")


@pytest.fixture
def two_organisations(trail: Trail) -> Trail:  # noqa: F811
    two_trusts_acted(trail.app)
    trail.caught_up()
    return trail


def test_an_administrator_reads_its_users_sign_ins_clients_webhooks_and_sign_in_choice(
    two_organisations: Trail,
) -> None:
    descriptions = [e.description for e in two_organisations.every_page(organisation_id=COMMUNITY_ID)][::-1]

    assert "Colin (colin) signed in with NHS CIS2" in descriptions
    assert any(d.startswith("Administrator admin registered the API client COMMUNITY feed") for d in descriptions)
    assert any(d.startswith("Administrator admin revoked the API client COMMUNITY feed") for d in descriptions)
    assert any("webhook endpoint" in d and "https://hooks.example/colin" in d for d in descriptions)
    assert any("users sign in with passwords or single sign-on; a first" in d for d in descriptions)
    assert any(d.startswith("A single sign-on identity was linked to Colin") for d in descriptions)


def test_another_organisation_s_rows_never_appear_in_an_administrator_s_trail(two_organisations: Trail) -> None:
    community = two_organisations.every_page(organisation_id=COMMUNITY_ID)
    acute = two_organisations.every_page(organisation_id=ACUTE_ID)

    assert not {e.position for e in community} & {e.position for e in acute}
    assert not [e for e in community if "alice" in e.description.lower() or "Entra" in e.description]
    assert not [e for e in acute if "colin" in e.description.lower() or "CIS2" in e.description]
    assert "Alice (alice) signed in with Microsoft Entra ID" in [e.description for e in acute]


def test_a_refused_sign_in_of_a_linked_identity_is_in_its_account_s_organisation_s_trail(
    two_organisations: Trail,
) -> None:
    acute = two_organisations.every_page(organisation_id=ACUTE_ID)

    [refused] = [e for e in acute if e.event_type == "SignInRefused"]
    assert refused.description.startswith("A sign-in with Microsoft Entra ID was refused")


def test_a_refused_identity_linked_to_no_account_is_in_no_organisation_s_trail(two_organisations: Trail) -> None:
    everyone = two_organisations.every_page(organisation_id=COMMUNITY_ID) + two_organisations.every_page(
        organisation_id=ACUTE_ID
    )
    whole = two_organisations.every_page()

    stranger = [e for e in whole if e.event_type == "SignInRefused" and "NHS CIS2" in e.description]
    assert len(stranger) == 1
    assert stranger[0].position not in {e.position for e in everyone}


def test_an_organisation_s_trail_pages_newest_first_and_filters_by_user(two_organisations: Trail) -> None:
    whole = two_organisations.every_page(organisation_id=COMMUNITY_ID)
    paged = two_organisations.every_page(limit=2, organisation_id=COMMUNITY_ID)
    by_colin = two_organisations.every_page(organisation_id=COMMUNITY_ID, actor="colin")

    assert paged == whole and [e.position for e in whole] == sorted((e.position for e in whole), reverse=True)
    assert [e.description for e in by_colin] == ["Colin (colin) signed in with NHS CIS2"]
