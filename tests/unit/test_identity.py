"""Identities of an identity provider: linked once, each sign-in let in or refused recorded, the provider named in
the trail; an organisation's choice of how its users sign in."""

from __future__ import annotations

import pytest

from domain import ids
from domain.actors import Actor, Role
from domain.errors import NotPermittedError
from domain.identity import Identity, IdentityLinkedAlreadyError
from domain.organisation import Organisation, OrganisationKind, PasswordSignInOffError, SignInUnchangedError
from domain.signing_in import SIGN_IN
from projections.audit.describe import describe
from tests.builders import COMMUNITY, COMMUNITY_ID, OPERATOR, administrator_of
from tests.unit.test_account_descriptions import Known

ISSUER = "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc"


def community() -> Organisation:
    organisation = Organisation.register(OPERATOR, "COMMUNITY", "Devon Community Care Trust", OrganisationKind.PROVIDER)
    organisation.collect_events()
    return organisation


def test_an_identity_s_id_is_its_issuer_and_subject_so_finding_it_needs_no_view() -> None:
    identity = Identity.recognise(SIGN_IN, ISSUER, "5551234", "NHS CIS2")

    assert identity.id == ids.identity_id(ISSUER, "5551234") != ids.identity_id(ISSUER, "5551235")
    assert identity.username == ""


def test_an_identity_is_linked_once_and_a_second_link_is_refused() -> None:
    identity = Identity.recognise(administrator_of(COMMUNITY_ID), ISSUER, "5551234", "NHS CIS2")
    identity.link(administrator_of(COMMUNITY_ID), "colin", COMMUNITY_ID)

    with pytest.raises(IdentityLinkedAlreadyError, match="linked to an account already"):
        identity.link(administrator_of(COMMUNITY_ID), "someone", COMMUNITY_ID)
    assert identity.username == "colin"


def test_password_sign_in_is_on_until_the_organisation_s_own_administrator_switches_it_off() -> None:
    organisation = community()
    organisation.require_password_sign_in()

    with pytest.raises(NotPermittedError):
        organisation.choose_sign_in(Actor("admin", COMMUNITY_ID, Role.PROVIDER), False, False)
    with pytest.raises(NotPermittedError):
        organisation.choose_sign_in(administrator_of(ids.organisation_id("ACUTE")), False, False)
    organisation.choose_sign_in(administrator_of(COMMUNITY_ID), password_sign_in=False, match_verified_email=True)

    with pytest.raises(PasswordSignInOffError, match="switched password sign-in off"):
        organisation.require_password_sign_in()
    assert organisation.match_verified_email
    with pytest.raises(SignInUnchangedError):
        organisation.choose_sign_in(administrator_of(COMMUNITY_ID), password_sign_in=False, match_verified_email=True)


def test_the_trail_names_the_identity_provider_of_each_sign_in_and_refusal_and_how_a_link_was_made() -> None:
    identity = Identity.recognise(SIGN_IN, ISSUER, "5551234", "NHS CIS2")
    identity.refuse(SIGN_IN, "NHS CIS2", "Colin@Example.NHS.uk", "no Corral account is linked to your identity")
    identity.link(COMMUNITY, "colin", COMMUNITY_ID, by_email="colin@example.nhs.uk")
    identity.signed_in(COMMUNITY, "NHS CIS2")
    organisation = community()
    organisation.choose_sign_in(administrator_of(COMMUNITY_ID), password_sign_in=False, match_verified_email=False)
    lookup = Known()
    lookup.people["colin"] = "Colin Hart"

    described = [describe(e, lookup) for e in [*identity.collect_events(), *organisation.collect_events()]]

    assert [d.description for d in described] == [
        "Corral first met the NHS CIS2 identity 5551234",
        "A sign-in with NHS CIS2 (colin@example.nhs.uk) was refused: no Corral account is linked to your identity",
        "A single sign-on identity was linked to Colin Hart (colin) of Devon Community Care Trust, by its verified"
        " email colin@example.nhs.uk",
        "Colin Hart (colin) signed in with NHS CIS2",
        "Administrator admin chose that Devon Community Care Trust's users sign in with single sign-on only; only an"
        " administrator links a single sign-on to an account",
    ]
    assert [d.provider_id for d in described][2:] == [COMMUNITY_ID, COMMUNITY_ID, COMMUNITY_ID]
