"""Account events in the audit trail: who opened, changed or disabled which account, never a hash."""

from __future__ import annotations

from domain.actors import Role
from domain.api_client import ApiClient
from domain.user_account import UserAccount
from projections.audit.accounts import client_context
from projections.audit.context import Context, KnownOrganisation, created_context
from projections.audit.describe import Described, describe
from tests.builders import COMMUNITY_ID, OPERATOR, administrator_of
from tests.unit.given import collected

from domain.organisation import OrganisationKind

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"


class Known:
    """A lookup that knows the community trust and, once registered or renamed, the account and its user's name."""

    def __init__(self) -> None:
        self.contexts: dict[object, Context] = {}
        self.people: dict[str, str] = {}

    def organisation(self, organisation_id: object) -> KnownOrganisation | None:
        if organisation_id == COMMUNITY_ID:
            return KnownOrganisation("Devon Community Care Trust", OrganisationKind.PROVIDER)
        return None

    def context(self, aggregate_id: object) -> Context | None:
        return self.contexts.get(aggregate_id)

    def person(self, username: str) -> str:
        return self.people.get(username, "")


def told(events: list[object]) -> list[Described]:
    lookup = Known()
    described = []
    for event in events:
        described.append(describe(event, lookup))
        if isinstance(event, UserAccount.Registered):
            lookup.contexts[event.originator_id] = created_context(event)
            lookup.people[event.username] = event.display_name
        if isinstance(event, UserAccount.DetailsChanged):
            lookup.people[lookup.contexts[event.originator_id].title] = event.display_name
    return described


def test_an_account_s_story_names_the_user_and_their_organisation_and_never_the_password_hash() -> None:
    admin = administrator_of(COMMUNITY_ID)
    account = UserAccount.register(admin, "colin", COMMUNITY_ID, OrganisationKind.PROVIDER, Role.PROVIDER, HASH)
    account.change_password(admin, HASH + "2")
    account.disable(admin, "left the trust")

    described = told(collected(account))

    assert [d.description for d in described] == [
        "Administrator admin opened an account for colin as provider of Devon Community Care Trust",
        "Administrator admin set a new password for colin",
        "Administrator admin disabled the account of colin: left the trust",
    ]
    assert all("argon2" not in d.description and d.reason != HASH for d in described)
    assert described[0].provider_id == COMMUNITY_ID


def test_the_platform_operator_is_named_plainly_by_the_login_it_acted_from() -> None:
    account = UserAccount.register(OPERATOR, "colin", COMMUNITY_ID, OrganisationKind.PROVIDER, Role.PROVIDER, HASH)
    account.disable(OPERATOR, "left the trust")

    described = told(collected(account))

    assert [d.description for d in described] == [
        "Platform operator tests opened an account for colin as provider of Devon Community Care Trust",
        "Platform operator tests disabled the account of colin: left the trust",
    ]


def test_a_named_user_is_shown_by_name_beside_the_username_and_their_email_address_only_when_it_changes() -> None:
    admin = administrator_of(COMMUNITY_ID)
    account = UserAccount.register(
        admin, "colin", COMMUNITY_ID, OrganisationKind.PROVIDER, Role.PROVIDER, HASH, "Colin Hart", "c@example.nhs.uk"
    )
    account.change_details(admin, "Colin J. Hart", "")
    account.disable(admin, "left the trust")

    described = told(collected(account))

    assert [d.description for d in described] == [
        "Administrator admin opened an account for Colin Hart (colin) as provider of Devon Community Care Trust",
        "Administrator admin gave Colin Hart (colin) the name Colin J. Hart and no email address",
        "Administrator admin disabled the account of Colin J. Hart (colin): left the trust",
    ]


def test_an_api_client_s_story_names_it_by_its_name_and_id_and_never_its_secret_hash() -> None:
    admin = administrator_of(COMMUNITY_ID)
    client = ApiClient.register(
        admin, "c0ffee" * 4, COMMUNITY_ID, OrganisationKind.PROVIDER, "Feed", Role.PROVIDER, ["progress:read"], HASH
    )
    client.revoke(admin, "replaced")
    registered, revoked = collected(client)
    lookup = Known()

    first = describe(registered, lookup)
    lookup.contexts[registered.originator_id] = client_context(registered)
    lookup.people[f"client:{'c0ffee' * 4}"] = "Feed"
    second = describe(revoked, lookup)

    assert first.description == (
        f"Administrator admin registered the API client Feed (client:{'c0ffee' * 4}) to act as provider of"
        " Devon Community Care Trust, with the scopes progress:read"
    )
    assert second.description == f"Administrator admin revoked the API client Feed (client:{'c0ffee' * 4}): replaced"
    assert HASH not in first.description + second.description
