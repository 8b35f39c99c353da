"""API clients in the write model and the views, on both databases: registered by their organisation's own
administrator with a role and scopes, acting as their organisation, named in the audit trail, revoked for good."""

from __future__ import annotations

import pytest

from api.http.client_credentials import hash_secret, new_credentials
from api.storage.settings import Settings
from domain.actors import Role
from domain.api_client import ClientRevokedError, ClientRoleError, UnknownScopeError
from domain.application import Corral
from domain.errors import NotFoundError
from projections.accounts.queries import organisation_clients
from projections.audit import audit_trail
from projections.registry import view_of
from projections.accounts.view import AccountsView
from projections.audit.view import AuditView
from tests.builders import ACUTE_ID, COMMUNITY_ID, administrator_of, narrative
from tests.integration.given import agreed_scheme, all_events
from tests.integration.read_models import views_of

FEED = "Torbay evidence feed"


def registered(app: Corral, scopes: tuple[str, ...] = ("progress:read", "evidence:submit")) -> tuple[str, str]:
    client_id, secret = new_credentials()
    app.register_api_client(administrator_of(COMMUNITY_ID), client_id, FEED, Role.PROVIDER, scopes, hash_secret(secret))
    return client_id, secret


def test_a_client_s_secret_is_recorded_only_as_a_hash_and_listed_never(app: Corral, settings: Settings) -> None:
    agreed_scheme(app)
    client_id, secret = registered(app)

    stored = app.recorder.select_notifications(start=1, limit=1_000_000)
    with views_of(settings) as views:
        listed = organisation_clients(view_of(views.caught_up(app).projections, AccountsView), COMMUNITY_ID)

    assert all(secret.encode() not in n.state for n in stored)
    assert app.api_client(client_id).secret_hash.startswith("$argon2id$")
    assert [(c.client_id, c.name, c.role, c.scopes, c.revoked) for c in listed] == [
        (client_id, FEED, "provider", ("evidence:submit", "progress:read"), False)
    ]
    assert secret not in repr(listed)


def test_a_client_acts_as_its_organisation_and_the_audit_trail_names_it(app: Corral, settings: Settings) -> None:
    scheme_id = agreed_scheme(app).scheme_id
    client_id, _ = registered(app)
    actor = app.api_client(client_id).as_actor()

    app.submit_evidence(actor, scheme_id, "M1", narrative())
    with views_of(settings) as views:
        trail = view_of(views.caught_up(app).projections, AuditView)
        entries = audit_trail(trail, limit=5).entries

    assert (actor.user_id, actor.organisation_id, actor.role) == (f"client:{client_id}", COMMUNITY_ID, Role.PROVIDER)
    submitted, opened = entries[0], entries[1]
    assert submitted.actor_user_id == f"client:{client_id}" and submitted.actor_display_name == FEED
    assert f"API client {FEED} (client:{client_id}) submitted its Q1 evidence" in submitted.description
    assert opened.description.startswith(f"Administrator admin registered the API client {FEED} (client:{client_id})")


def test_a_revoked_client_acts_no_more_and_its_revocation_is_recorded_with_the_reason(app: Corral) -> None:
    agreed_scheme(app)
    client_id, _ = registered(app)

    app.revoke_api_client(administrator_of(COMMUNITY_ID), client_id, "The feed was replaced.")

    with pytest.raises(ClientRevokedError):
        app.api_client(client_id).as_actor()
    with pytest.raises(ClientRevokedError):
        app.revoke_api_client(administrator_of(COMMUNITY_ID), client_id, "Again.")
    assert [type(e).__name__ for e in all_events(app)][-2:] == ["Registered", "Revoked"]


def test_another_organisation_s_administrator_meets_its_client_as_one_that_does_not_exist(app: Corral) -> None:
    agreed_scheme(app)
    client_id, _ = registered(app)

    with pytest.raises(NotFoundError) as real:
        app.revoke_api_client(administrator_of(ACUTE_ID), client_id, "Not ours.")
    with pytest.raises(NotFoundError) as made_up:
        app.revoke_api_client(administrator_of(ACUTE_ID), "0" * 24, "Not ours.")

    assert str(real.value).replace(client_id, "?") == str(made_up.value).replace("0" * 24, "?")


def test_a_client_never_acts_as_an_administrator_nor_outside_the_vocabulary_of_scopes(app: Corral) -> None:
    agreed_scheme(app)
    admin = administrator_of(COMMUNITY_ID)

    with pytest.raises(ClientRoleError):
        app.register_api_client(admin, "a" * 24, FEED, Role.ADMINISTRATOR, ("progress:read",), "hash")
    with pytest.raises(UnknownScopeError):
        app.register_api_client(admin, "b" * 24, FEED, Role.PROVIDER, ("everything",), "hash")
    with pytest.raises(UnknownScopeError):
        app.register_api_client(admin, "c" * 24, FEED, Role.PROVIDER, (), "hash")
