"""User accounts: an administrator manages its own organisation's only; the platform operator, any organisation's."""

from __future__ import annotations

import pytest

from domain.actors import PLATFORM_ID, Actor, Role
from domain.errors import NotPermittedError
from domain.limits import InvalidInputError
from domain.organisation import OrganisationKind
from domain.account_rules import RoleNotForOrganisationError
from domain.user_account import UserAccount
from tests.builders import ACUTE_ID, ADMIN, COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID, OPERATOR, administrator_of
from tests.unit.given import collected, event_names, opened_account

COMMUNITY_ADMIN = administrator_of(COMMUNITY_ID)


def test_an_administrator_opens_an_account_in_its_own_organisation() -> None:
    account = UserAccount.register(
        ADMIN, "gill", COMMISSIONER_ID, OrganisationKind.COMMISSIONER, Role.COMMISSIONER, "h"
    )

    [registered] = collected(account)
    assert (registered.username, registered.organisation_id, registered.actor) == ("gill", COMMISSIONER_ID, ADMIN)


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR, Role.AUDITOR])
def test_an_administrator_cannot_open_an_account_inside_another_organisation(role: Role) -> None:
    nhs_england_admin = administrator_of(ACUTE_ID)

    with pytest.raises(NotPermittedError):
        UserAccount.register(nhs_england_admin, "mallory", COMMISSIONER_ID, OrganisationKind.COMMISSIONER, role, "h")


def test_the_platform_operator_opens_an_account_in_any_organisation() -> None:
    account = UserAccount.register(
        OPERATOR, "gill", COMMISSIONER_ID, OrganisationKind.COMMISSIONER, Role.ADMINISTRATOR, "h"
    )

    assert [e.actor for e in collected(account)] == [OPERATOR]


@pytest.mark.parametrize("kind", list(OrganisationKind))
def test_no_account_can_hold_the_platform_operator_s_role(kind: OrganisationKind) -> None:
    with pytest.raises(RoleNotForOrganisationError):
        UserAccount.register(OPERATOR, "root", COMMISSIONER_ID, kind, Role.OPERATOR, "h")


def test_the_operator_is_named_by_its_server_login_and_acts_for_the_platform_not_an_organisation() -> None:
    operator = Actor.operator("alice")

    assert (operator.user_id, operator.organisation_id, operator.role) == ("operator:alice", PLATFORM_ID, Role.OPERATOR)
    assert operator.administers(COMMISSIONER_ID) and operator.administers(COMMUNITY_ID)


def test_an_administrator_resets_a_password_and_disables_an_account_of_its_own_organisation() -> None:
    account = opened_account("colin", COMMUNITY_ID)

    account.change_password(COMMUNITY_ADMIN, "hash-2")
    account.disable(COMMUNITY_ADMIN, "left the trust")

    assert event_names(account) == ["PasswordChanged", "Disabled"]
    assert account.password_hash == "hash-2" and account.disabled


def test_an_administrator_cannot_reset_the_password_of_or_disable_another_organisation_s_user() -> None:
    account = opened_account("colin", COMMUNITY_ID)

    with pytest.raises(NotPermittedError):
        account.change_password(ADMIN, "hash-2")
    with pytest.raises(NotPermittedError):
        account.disable(ADMIN, "left the trust")

    assert event_names(account) == []
    assert account.password_hash == "hash-1" and not account.disabled


def test_another_organisation_s_account_is_not_visible_to_an_administrator_but_is_to_its_own_and_the_user() -> None:
    account = opened_account("colin", COMMUNITY_ID)

    assert not account.is_visible_to(ADMIN)
    assert (
        account.is_visible_to(COMMUNITY_ADMIN) and account.is_visible_to(OPERATOR) and account.is_visible_to(COMMUNITY)
    )


def test_each_password_change_starts_a_new_generation_which_tokens_are_checked_against() -> None:
    account = opened_account("colin", COMMUNITY_ID)
    before = account.password_generation

    account.change_password(COMMUNITY, "hash-2")
    account.change_password(COMMUNITY_ADMIN, "hash-3")

    assert (before, account.password_generation) == (0, 2)


def test_an_account_opens_with_the_name_its_user_goes_by_and_a_lower_cased_email_address() -> None:
    account = UserAccount.register(
        OPERATOR,
        "dpt.quality",
        COMMUNITY_ID,
        OrganisationKind.PROVIDER,
        Role.PROVIDER,
        "h",
        "  Priya Shah ",
        "Priya.Shah@Example.NHS.uk",
    )

    [registered] = collected(account)
    assert (registered.display_name, registered.email) == ("Priya Shah", "priya.shah@example.nhs.uk")
    assert (account.display_name, account.email) == ("Priya Shah", "priya.shah@example.nhs.uk")


def test_an_account_registered_before_people_had_names_loads_without_one() -> None:
    account = opened_account("colin", COMMUNITY_ID)

    assert (account.display_name, account.email) == ("", "")
    assert (UserAccount.Registered.display_name, UserAccount.Registered.email) == ("", "")


def test_the_user_and_their_administrator_change_the_name_and_email_address_and_no_one_else_does() -> None:
    account = opened_account("colin", COMMUNITY_ID)

    account.change_details(COMMUNITY, "Colin Hart", "colin@example.nhs.uk")
    account.change_details(COMMUNITY_ADMIN, "Colin J. Hart", "")
    with pytest.raises(NotPermittedError):
        account.change_details(ADMIN, "Mallory", "mallory@example.com")

    changes = collected(account)
    assert [(e.display_name, e.email, e.actor) for e in changes] == [
        ("Colin Hart", "colin@example.nhs.uk", COMMUNITY),
        ("Colin J. Hart", "", COMMUNITY_ADMIN),
    ]
    assert (account.display_name, account.email) == ("Colin J. Hart", "")


@pytest.mark.parametrize(
    "email",
    [
        "colin",
        "colin@",
        "@example.nhs.uk",
        "colin@@example.nhs.uk",
        "colin@example",
        "col in@example.nhs.uk",
        "c@" + "x" * 250 + ".uk",
        "colin@exa\tmple.uk",
    ],
)
def test_an_email_address_that_is_not_plausible_is_refused_naming_the_email_field(email: str) -> None:
    account = opened_account("colin", COMMUNITY_ID)

    with pytest.raises(InvalidInputError) as refused:
        account.change_details(COMMUNITY, "Colin Hart", email)

    assert refused.value.field == "email"
    assert collected(account) == []


@pytest.mark.parametrize("name", ["Colin\x00Hart", "Colin\nHart", "C" * 201])
def test_a_display_name_with_control_characters_or_too_long_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        UserAccount.register(
            OPERATOR, "colin", COMMUNITY_ID, OrganisationKind.PROVIDER, Role.PROVIDER, "h", name, "colin@example.nhs.uk"
        )

    assert refused.value.field == "display_name"
