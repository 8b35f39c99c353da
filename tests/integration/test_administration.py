"""An organisation's administrator invites users, resets passwords, changes roles and grants auditors programmes;
an auditor reads only what is granted, and loses it the moment the grant is withdrawn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.http.access import may_know_programme
from api.http.links import token_hash
from domain.account_rules import NotGrantedError
from domain.actors import Role
from domain.application import Corral
from domain.errors import NotFoundError
from domain.set_password_links import SetPasswordLinkError
from tests.builders import ADMIN, COMMISSIONER_ID, COMMUNITY_ID, OPERATOR
from tests.integration.given import programme_set_up

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
LINK = (token_hash("the-token"), NOW + timedelta(hours=72))


def an_auditor(app: Corral) -> None:
    app.register_user(OPERATOR, "audrey", COMMISSIONER_ID, Role.AUDITOR, "hash", "Audrey Hall", "audrey@example.nhs.uk")


def test_an_invited_user_chooses_a_password_once_by_the_link(app: Corral) -> None:
    programme_set_up(app)
    app.invite_user(ADMIN, "nina", COMMISSIONER_ID, Role.COMMISSIONER, LINK, "Nina Shah", "nina@example.nhs.uk")
    assert app.user_account("nina").password_hash == ""

    app.set_password_by_link("nina", token_hash("the-token"), "argon2-hash", NOW)

    assert app.user_account("nina").password_hash == "argon2-hash"
    with pytest.raises(SetPasswordLinkError):
        app.set_password_by_link("nina", token_hash("the-token"), "another", NOW)


def test_a_link_expires_a_wrong_token_fails_and_an_unknown_user_reads_the_same(app: Corral) -> None:
    programme_set_up(app)
    app.invite_user(ADMIN, "nina", COMMISSIONER_ID, Role.COMMISSIONER, LINK, "Nina Shah", "nina@example.nhs.uk")
    refusals = []
    for username, token, when in [
        ("nina", "the-token", NOW + timedelta(hours=73)),
        ("nina", "a-guess", NOW),
        ("nobody", "the-token", NOW),
    ]:
        with pytest.raises(SetPasswordLinkError) as refused:
            app.set_password_by_link(username, token_hash(token), "hash", when)
        refusals.append(str(refused.value))
    assert len(set(refusals)) == 1


def test_a_reset_ends_the_old_password_and_sessions(app: Corral) -> None:
    programme_set_up(app)
    app.register_user(OPERATOR, "nina", COMMISSIONER_ID, Role.COMMISSIONER, "old-hash")
    generation = app.user_account("nina").password_generation

    app.send_set_password_link(ADMIN, "nina", LINK)

    account = app.user_account("nina")
    assert account.password_hash == "" and account.password_generation == generation + 1


def test_an_auditor_reads_only_the_programmes_granted_and_loses_one_when_withdrawn(app: Corral) -> None:
    programme_id = programme_set_up(app)
    an_auditor(app)
    with pytest.raises(NotFoundError):
        may_know_programme(app, app.user_account("audrey").as_actor(), programme_id)

    app.grant_programme(ADMIN, "audrey", programme_id)
    may_know_programme(app, app.user_account("audrey").as_actor(), programme_id)

    app.withdraw_grant(ADMIN, "audrey", programme_id, "The audit is finished.")
    with pytest.raises(NotFoundError):
        may_know_programme(app, app.user_account("audrey").as_actor(), programme_id)


def test_a_grant_is_only_of_a_programme_the_organisation_takes_part_in(app: Corral) -> None:
    programme_id = programme_set_up(app)
    app.register_user(OPERATOR, "cass", COMMUNITY_ID, Role.AUDITOR, "hash")
    app.register_user(OPERATOR, "community.admin", COMMUNITY_ID, Role.ADMINISTRATOR, "hash")
    community_admin = app.user_account("community.admin").as_actor()

    app.grant_programme(community_admin, "cass", programme_id)  # the community trust provides for it

    with pytest.raises(NotFoundError):
        app.grant_programme(community_admin, "cass", COMMISSIONER_ID)  # no programme at all


def test_withdrawing_a_grant_not_held_is_refused(app: Corral) -> None:
    programme_id = programme_set_up(app)
    an_auditor(app)
    with pytest.raises(NotGrantedError):
        app.withdraw_grant(ADMIN, "audrey", programme_id, "Tidy up.")


def test_a_role_change_ends_an_auditors_grants_and_a_re_enabled_account_acts_again(app: Corral) -> None:
    programme_id = programme_set_up(app)
    an_auditor(app)
    app.grant_programme(ADMIN, "audrey", programme_id)
    app.change_role(ADMIN, "audrey", Role.COMMISSIONER, "Joined the quality team.")
    app.disable_user(ADMIN, "audrey", "On leave.")
    app.enable_user(ADMIN, "audrey", "Back from leave.")

    actor = app.user_account("audrey").as_actor()
    assert actor.role is Role.COMMISSIONER and actor.programmes == frozenset()
