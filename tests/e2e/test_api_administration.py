"""An organisation's administrator over the JSON API: inviting a user (the emailed link chooses a password once),
re-enabling, changing a role, granting an auditor a programme and taking it away, renaming the organisation; and
another organisation's administrator, to whom every account of ours reads exactly like one that does not exist."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.e2e.test_api_administrators import NOBODY, as_words, bearer, signs_in
from tests.integration.given import programme_set_up

PASSWORD = "a long enough password"
CHOSEN = "heron quietly mapped seven lanterns"
USERS = (
    ("sdt-ccg.admin", COMMISSIONER_ID, Role.ADMINISTRATOR),
    ("sdt-ccg.auditor", COMMISSIONER_ID, Role.AUDITOR),
    ("cct.admin", COMMUNITY_ID, Role.ADMINISTRATOR),
)


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, Path, str]]:
    """The app with no SMTP server, so links are written as .eml files; the commissioner's programme's id."""
    mail = tmp_path / "mail"
    update = {"secret_key": SecretStr("a" * 48), "embedded_projector": True, "mail_dir": mail}
    signed = settings.model_copy(update=update)
    app = build_application(signed)
    programme_id = str(programme_set_up(app))
    for username, organisation_id, role in USERS:
        app.register_user(OPERATOR, username, organisation_id, role, quick_hash(PASSWORD))
    app.close()
    with client_of(signed) as client:
        yield client, mail, programme_id


def link_in(message: Path) -> dict[str, str]:
    """The username and token of the set-password link in an email."""
    body = email.message_from_bytes(message.read_bytes()).get_payload(0).get_payload(decode=True).decode()  # type: ignore[union-attr]
    address = re.search(r"\S+/set-password\?\S+", body)
    assert address is not None, body
    return {name: values[0] for name, values in parse_qs(urlsplit(address.group()).query).items()}


def test_an_invited_user_is_emailed_once_however_often_the_request_is_sent_and_chooses_a_password_once(
    served: tuple[TestClient, Path, str],
) -> None:
    client, mail, _ = served
    admin = bearer(client, "sdt-ccg.admin") | {"Idempotency-Key": "invite-nina"}
    body = {"username": "nina", "role": "commissioner", "display_name": "Nina Shah", "email": "nina@example.nhs.uk"}

    invited = client.post("/api/v1/users/invitations", json=body, headers=admin)
    again = client.post("/api/v1/users/invitations", json=body, headers=admin)
    (message,) = mail.glob("*.eml")
    link = link_in(message)
    chosen = client.post("/set-password", data=link | {"password": CHOSEN, "confirmation": CHOSEN})
    reused = client.post("/set-password", data=link | {"password": CHOSEN, "confirmation": CHOSEN})

    assert invited.status_code == 201 and invited.json()["emailed"] is True, invited.text
    assert "token" not in invited.text and link["token"] not in invited.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert link["username"] == "nina" and chosen.status_code == 200
    assert reused.status_code == 410 and "has been used" in reused.text
    assert signs_in(client, "nina", CHOSEN)


def test_a_user_without_an_address_is_invited_and_the_answer_says_the_link_could_not_be_sent(
    served: tuple[TestClient, Path, str],
) -> None:
    client, mail, _ = served
    body = {"username": "nina", "role": "auditor", "email": ""}

    invited = client.post("/api/v1/users/invitations", json=body, headers=bearer(client, "sdt-ccg.admin"))

    assert invited.status_code == 201
    assert invited.json()["emailed"] is False and "no email address" in invited.json()["mail_problem"]
    assert not list(mail.glob("*.eml"))


def test_an_auditor_reads_a_programme_once_granted_and_not_after_the_grant_is_withdrawn(
    served: tuple[TestClient, Path, str],
) -> None:
    client, _, programme_id = served
    admin, auditor = bearer(client, "sdt-ccg.admin"), bearer(client, "sdt-ccg.auditor")
    progress = f"/api/v1/programmes/{programme_id}/progress"

    before = client.get(progress, headers=auditor).status_code
    granted = client.post("/api/v1/users/sdt-ccg.auditor/grants", json={"programme_id": programme_id}, headers=admin)
    during = client.get(progress, params={"after": granted.json()["position"]}, headers=auditor).status_code
    withdrawn = client.post(
        f"/api/v1/users/sdt-ccg.auditor/grants/{programme_id}/withdrawal", json={"reason": "audit done"}, headers=admin
    )
    after = client.get(progress, params={"after": withdrawn.json()["position"]}, headers=auditor).status_code

    assert (before, granted.status_code, during, withdrawn.status_code, after) == (404, 200, 200, 200, 404)


def test_a_role_changes_an_account_is_disabled_and_enabled_and_the_organisation_renamed(
    served: tuple[TestClient, Path, str],
) -> None:
    client, _, _ = served
    admin = bearer(client, "sdt-ccg.admin")
    users = "/api/v1/users/sdt-ccg.auditor"

    role = client.post(f"{users}/role", json={"role": "commissioner", "reason": "joined the team"}, headers=admin)
    same = client.post(f"{users}/role", json={"role": "commissioner", "reason": "again"}, headers=admin)
    unknown = client.post(f"{users}/role", json={"role": "", "reason": "none"}, headers=admin)
    disabled = client.post(f"{users}/disablement", json={"reason": "on leave"}, headers=admin)
    enabled = client.post(f"{users}/enablement", json={"reason": "back from leave"}, headers=admin)
    renamed = client.post(
        f"/api/v1/organisations/{COMMISSIONER_ID}/name", json={"name": "Devon ICB", "reason": "merged"}, headers=admin
    )
    listed = client.get("/api/v1/organisations", params={"after": renamed.json()["position"]}, headers=admin)
    names = [o["name"] for o in listed.json()]

    assert role.status_code == 200 and same.status_code == 422 and same.json()["rule"] == "RoleUnchanged"
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "role"
    assert (disabled.status_code, enabled.status_code, renamed.status_code) == (200, 200, 200)
    assert signs_in(client, "sdt-ccg.auditor", PASSWORD) and "Devon ICB" in names


ACTS: list[tuple[str, dict[str, Any]]] = [
    ("set-password-link", {}),
    ("enablement", {"reason": "taken over"}),
    ("role", {"role": "administrator", "reason": "taken over"}),
    ("grants", {"programme_id": "{programme_id}"}),
    ("grants/{programme_id}/withdrawal", {"reason": "taken over"}),
]


@pytest.mark.parametrize(("act", "body"), ACTS, ids=["link", "enable", "role", "grant", "withdraw"])
def test_another_organisation_s_administrator_meets_our_accounts_as_if_they_did_not_exist(
    served: tuple[TestClient, Path, str], act: str, body: dict[str, Any]
) -> None:
    client, mail, programme_id = served
    theirs = bearer(client, "cct.admin")
    sent = {k: v.format(programme_id=programme_id) for k, v in body.items()}
    path = act.format(programme_id=programme_id)

    ours = client.post(f"/api/v1/users/sdt-ccg.auditor/{path}", json=sent, headers=theirs)
    nobody = client.post(f"/api/v1/users/{NOBODY}/{path}", json=sent, headers=theirs)

    assert ours.status_code == nobody.status_code == 404
    assert as_words(ours, "sdt-ccg.auditor") == as_words(nobody, NOBODY)
    assert signs_in(client, "sdt-ccg.auditor", PASSWORD) and not list(mail.glob("*.eml"))


def test_the_users_page_s_invite_sent_twice_mails_once_and_a_role_form_with_no_role_is_refused_naming_it(
    served: tuple[TestClient, Path, str],
) -> None:
    client, mail, _ = served
    csrf = client.post("/api/v1/auth/session", data={"username": "sdt-ccg.admin", "password": PASSWORD})
    form = {"csrf_token": csrf.json()["csrf_token"], "idempotency_key": "the-invite-form", "version": "0"}
    invite = form | {"username": "nina", "role": "commissioner", "email": "nina@example.nhs.uk"}

    first = client.post("/users/invite", data=invite, follow_redirects=False)
    second = client.post("/users/invite", data=invite, follow_redirects=False)
    client.get(first.headers["location"])  # as the browser does: the page waits for the views to show the invite
    no_role = client.post("/users/nina/role", data=form | {"idempotency_key": "role", "version": "1", "reason": "x"})

    assert first.status_code == second.status_code == 303 and len(list(mail.glob("*.eml"))) == 1
    assert no_role.status_code == 422 and 'id="role-nina-role-error"' in no_role.text
    assert "Role: choose administrator, auditor, commissioner, finance approver or provider" in no_role.text


def test_an_auditor_granted_nothing_starts_at_a_programmes_page_saying_who_grants_them(
    served: tuple[TestClient, Path, str],
) -> None:
    client, _, _ = served
    client.post("/api/v1/auth/session", data={"username": "sdt-ccg.auditor", "password": PASSWORD})

    home = client.get("/", headers={"Accept": "text/html"})

    assert home.status_code == 200 and home.url.path == "/programmes"
    assert "There are no programmes for you to see." in home.text
    assert "Your organisation's administrator grants auditors the programmes they read." in home.text
