"""Single sign-on on both databases: an identity is matched by subject, by verified email only where the organisation
chose it, refused otherwise or when its account is disabled, and each sign-in and refusal is in the audit trail with
the identity provider named."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import pytest

from domain.account_rules import AccountDisabledError
from domain.actors import Role
from domain.application import Corral
from domain.identity import UnknownIdentityError
from domain.limits import InvalidInputError
from domain.signing_in import Claimed
from tests.builders import COMMUNITY_ID, OPERATOR
from tests.integration.given import organisations_registered
from tests.integration.test_audit_trail import Trail, trail  # noqa: F401  (the fixture)

CIS2 = "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc"
COLIN = "colin@example.nhs.uk"


def accounts_by_email(organisation_id: UUID, email: str) -> Sequence[str]:
    """The accounts' view as it would answer once it has applied colin's registration."""
    return ["colin"] if (organisation_id, email) == (COMMUNITY_ID, COLIN) else []


def claimed(subject: str, email: str = COLIN, verified: bool = True, *codes: str) -> Claimed:
    return Claimed(CIS2, subject, "NHS CIS2", email, verified, codes or ("COMMUNITY",))


@pytest.fixture
def community(app: Corral) -> Corral:
    organisations_registered(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash", "Colin Hart", COLIN)
    return app


def test_a_first_sign_in_is_matched_by_verified_email_only_once_the_organisation_chooses_it_then_by_subject(
    community: Corral,
) -> None:
    with pytest.raises(UnknownIdentityError):
        community.sign_in_with_identity(claimed("5551234"), accounts_by_email)
    community.choose_sign_in(OPERATOR, COMMUNITY_ID, password_sign_in=True, match_verified_email=True)
    with pytest.raises(UnknownIdentityError):
        community.sign_in_with_identity(claimed("5551234", verified=False), accounts_by_email)

    first = community.sign_in_with_identity(claimed("5551234"), accounts_by_email)
    community.choose_sign_in(OPERATOR, COMMUNITY_ID, password_sign_in=True, match_verified_email=False)
    again = community.sign_in_with_identity(claimed("5551234", "new.address@example.nhs.uk"), accounts_by_email)

    assert first.username == again.username == "colin"
    assert community.identity(CIS2, "5551234").username == "colin"


def test_a_linked_identity_of_a_disabled_account_is_refused_and_the_refusal_recorded(community: Corral) -> None:
    community.link_identity(OPERATOR, "colin", CIS2, "5551234", "NHS CIS2")
    community.disable_user(OPERATOR, "colin", "Left the trust.")

    with pytest.raises(AccountDisabledError):
        community.sign_in_with_identity(claimed("5551234"), accounts_by_email)

    kinds = [type(e).__name__ for e in community.events.get(community.identity(CIS2, "5551234").id)]
    assert kinds == ["Recognised", "Linked", "SignInRefused"]


def test_an_identity_whose_token_names_other_organisations_is_refused_the_account_it_was_linked_to(
    community: Corral,
) -> None:
    # Another organisation's administrator linked someone else's subject to one of its accounts: the person's own
    # token names the organisations they work for, and the account is not of one of them.
    community.link_identity(OPERATOR, "colin", CIS2, "5551234", "NHS CIS2")

    with pytest.raises(UnknownIdentityError):
        community.sign_in_with_identity(claimed("5551234", COLIN, True, "ACUTE"), accounts_by_email)
    signed_in = community.sign_in_with_identity(
        claimed("5551234", COLIN, True, "ACUTE", "COMMUNITY"), accounts_by_email
    )
    unnamed = community.sign_in_with_identity(Claimed(CIS2, "5551234", "NHS CIS2"), accounts_by_email)

    assert signed_in.username == unnamed.username == "colin"


def test_passwords_cannot_be_switched_off_where_the_server_offers_no_single_sign_on(community: Corral) -> None:
    with pytest.raises(InvalidInputError) as refused:
        community.choose_sign_in(OPERATOR, COMMUNITY_ID, False, False, single_sign_on_offered=False)
    community.choose_sign_in(OPERATOR, COMMUNITY_ID, True, True, single_sign_on_offered=False)

    assert refused.value.field == "password_sign_in" and "nobody of" in str(refused.value)
    assert community.organisation(COMMUNITY_ID).password_sign_in


def test_the_trail_names_the_provider_of_each_sign_in_and_refusal_and_files_colin_s_under_his_trust(
    community: Corral,
    trail: Trail,  # noqa: F811
) -> None:
    community.link_identity(OPERATOR, "colin", CIS2, "5551234", "NHS CIS2")
    community.sign_in_with_identity(claimed("5551234"), accounts_by_email)
    with pytest.raises(UnknownIdentityError):
        community.sign_in_with_identity(claimed("stranger", "stranger@example.nhs.uk"), accounts_by_email)
    trail.caught_up()

    everything = [entry.description for entry in trail.every_page()]
    community_trust = [entry.description for entry in trail.every_page(provider_id=COMMUNITY_ID)]

    assert "Colin Hart (colin) signed in with NHS CIS2" in everything
    assert any(
        d.startswith("A sign-in with NHS CIS2 (stranger@example.nhs.uk) was refused: no Corral account")
        for d in everything
    )
    assert "Colin Hart (colin) signed in with NHS CIS2" in community_trust
    assert (
        "A single sign-on identity was linked to Colin Hart (colin) of Devon Community Care Trust, as Platform operator tests chose"
        in community_trust
    )
