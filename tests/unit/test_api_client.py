"""API clients: registered by their organisation's own administrator, with a role its staff could hold and scopes
from Corral's vocabulary; they act as their organisation; revoked, they act no more."""

from __future__ import annotations

import pytest

from domain.account_rules import RoleNotForOrganisationError
from domain.actors import Actor, Role
from domain.api_client import ApiClient, ClientRevokedError, ClientRoleError, ScopeMissingError, UnknownScopeError
from domain.api_client import require_scope
from domain.errors import NotPermittedError, ReasonRequiredError
from domain.limits import InvalidInputError
from domain.organisation import OrganisationKind
from tests.builders import ACUTE_ID, COMMUNITY_ID, OPERATOR, administrator_of
from tests.unit.given import collected

COMMUNITY_ADMIN = administrator_of(COMMUNITY_ID)
CLIENT_ID = "c0ffee" * 4
PROVIDER = OrganisationKind.PROVIDER


def registered(scopes: tuple[str, ...] = ("progress:read",)) -> ApiClient:
    client = ApiClient.register(COMMUNITY_ADMIN, CLIENT_ID, COMMUNITY_ID, PROVIDER, "Feed", Role.PROVIDER, scopes, "h")
    collected(client)
    return client


def test_an_organisation_s_administrator_registers_a_client_that_acts_as_its_organisation() -> None:
    client = ApiClient.register(
        COMMUNITY_ADMIN, CLIENT_ID, COMMUNITY_ID, PROVIDER, " Feed ", Role.PROVIDER, ["progress:read"] * 2, "hash"
    )

    [event] = collected(client)
    assert (event.name, event.scopes, event.secret_hash, event.actor) == (
        "Feed",
        ("progress:read",),
        "hash",
        COMMUNITY_ADMIN,
    )
    actor = client.as_actor()
    assert (actor.user_id, actor.organisation_id, actor.role, actor.is_client) == (
        f"client:{CLIENT_ID}",
        COMMUNITY_ID,
        Role.PROVIDER,
        True,
    )


@pytest.mark.parametrize("actor", [administrator_of(ACUTE_ID), OPERATOR])
def test_no_one_but_the_organisation_s_own_administrator_registers_its_clients(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        ApiClient.register(actor, CLIENT_ID, COMMUNITY_ID, PROVIDER, "Feed", Role.PROVIDER, ["progress:read"], "h")


def test_a_client_never_acts_as_an_administrator_nor_with_a_role_its_organisation_has_no_staff_for() -> None:
    with pytest.raises(ClientRoleError):
        ApiClient.register(
            COMMUNITY_ADMIN, CLIENT_ID, COMMUNITY_ID, PROVIDER, "F", Role.ADMINISTRATOR, ["audit:read"], "h"
        )
    with pytest.raises(RoleNotForOrganisationError):
        ApiClient.register(
            COMMUNITY_ADMIN, CLIENT_ID, COMMUNITY_ID, PROVIDER, "F", Role.COMMISSIONER, ["audit:read"], "h"
        )


def test_a_client_never_acts_as_an_auditor_which_reads_only_programmes_granted_to_a_person() -> None:
    with pytest.raises(ClientRoleError, match="granted to a person"):
        ApiClient.register(COMMUNITY_ADMIN, CLIENT_ID, COMMUNITY_ID, PROVIDER, "F", Role.AUDITOR, ["audit:read"], "h")


@pytest.mark.parametrize("scopes", [(), ("progress:read", "everything")])
def test_a_client_has_at_least_one_scope_and_only_scopes_corral_knows(scopes: tuple[str, ...]) -> None:
    with pytest.raises(UnknownScopeError) as refused:
        ApiClient.register(COMMUNITY_ADMIN, CLIENT_ID, COMMUNITY_ID, PROVIDER, "Feed", Role.PROVIDER, scopes, "h")

    assert refused.value.field == "scopes"


@pytest.mark.parametrize(("client_id", "name"), [("short", "Feed"), ("UPPER" * 4, "Feed"), (CLIENT_ID, "  ")])
def test_a_client_needs_a_well_formed_id_and_a_name(client_id: str, name: str) -> None:
    with pytest.raises(InvalidInputError):
        ApiClient.register(COMMUNITY_ADMIN, client_id, COMMUNITY_ID, PROVIDER, name, Role.PROVIDER, ["audit:read"], "h")


def test_a_revoked_client_acts_no_more_and_is_revoked_once_with_a_reason() -> None:
    client = registered()
    with pytest.raises(ReasonRequiredError):
        client.revoke(COMMUNITY_ADMIN, " ")
    with pytest.raises(NotPermittedError):
        client.revoke(administrator_of(ACUTE_ID), "Not ours.")

    client.revoke(COMMUNITY_ADMIN, "Replaced.")

    [revoked] = collected(client)
    assert revoked.reason == "Replaced."
    with pytest.raises(ClientRevokedError):
        client.as_actor()
    with pytest.raises(ClientRevokedError):
        client.revoke(COMMUNITY_ADMIN, "Again.")


def test_a_scope_not_granted_or_none_at_all_is_refused_naming_what_is_missing() -> None:
    require_scope(frozenset({"progress:read"}), "progress:read")
    with pytest.raises(ScopeMissingError, match="payments:read"):
        require_scope(frozenset({"progress:read"}), "payments:read")
    with pytest.raises(ScopeMissingError, match="people only"):
        require_scope(frozenset({"progress:read"}), None)
