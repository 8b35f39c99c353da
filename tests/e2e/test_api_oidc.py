"""Signing in with OpenID Connect over HTTP, through the real redirects, against a real OpenID provider the tests start
(oidc-provider-mock): an identity signs in as the account linked to it, and only so."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from oidc_provider_mock import run_server_in_thread
from pydantic import SecretStr

from api.http.oidc import PENDING_COOKIE, Pending
from api.storage.identity_providers import IdentityProvider
from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import ACUTE_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import organisations_registered

PASSWORD = "a long enough password"
SUBJECT = "cis2-5551234"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """A real OpenID provider on a free port; it asks every authorisation for a nonce."""
    with run_server_in_thread(require_nonce=True) as provider:
        yield f"http://127.0.0.1:{provider.server_port}"


class Site:
    """Corral served with the provider configured as NHS CIS2, and the community trust's user and administrator."""

    def __init__(self, client: TestClient, issuer: str, settings: Settings) -> None:
        self.client, self.issuer, self.settings = client, issuer, settings

    def admin(self) -> dict[str, str]:
        token = self.client.post("/api/v1/auth/token", data={"username": "community.admin", "password": PASSWORD})
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    def choose(self, password_sign_in: bool, match_verified_email: bool) -> None:
        body = {"password_sign_in": password_sign_in, "match_verified_email": match_verified_email}
        chosen = self.client.put(f"/api/v1/organisations/{COMMUNITY_ID}/sign-in", json=body, headers=self.admin())
        assert chosen.status_code == 200, chosen.text

    def link(self, username: str, subject: str = SUBJECT) -> httpx.Response:
        body = {"provider": "cis2", "subject": subject}
        return self.client.post(f"/api/v1/users/{username}/identities", json=body, headers=self.admin())

    def at_provider(self, subject: str, claims: dict[str, object] | None = None, next: str = "/home") -> str:
        """Start signing in, and sign in at the provider as `subject` with these claims (none besides who it is, if
        not given: the provider would otherwise keep what an earlier test gave the subject): the callback address."""
        httpx.put(f"{self.issuer}/users/{subject}", json=claims or {}).raise_for_status()
        start = self.client.get("/auth/oidc/cis2", params={"next": next}, follow_redirects=False)
        assert start.status_code == 303, start.text
        authorised = httpx.post(start.headers["location"], data={"sub": subject}, follow_redirects=False)
        assert authorised.status_code == 302, authorised.text
        return authorised.headers["location"]

    def sign_in(self, subject: str, claims: dict[str, object] | None = None, **headers: str) -> httpx.Response:
        return self.client.get(self.at_provider(subject, claims), follow_redirects=False, headers=headers)


@pytest.fixture
def site(settings: Settings, issuer: str) -> Iterator[Site]:
    cis2 = IdentityProvider(
        key="cis2",
        display_name="NHS CIS2",
        issuer=issuer,
        client_id="corral",
        client_secret=SecretStr("a client secret"),
        organisation_claim="org_code",
    )
    served = settings.model_copy(
        update={
            "secret_key": SecretStr("k" * 48),
            "oidc_providers": [cis2],
            "public_url": "http://testserver",
            "embedded_projector": True,  # matching by email reads the accounts' view
        }
    )
    app = build_application(served)
    organisations_registered(app)
    app.register_user(
        OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD), email="colin@example.nhs.uk"
    )
    app.register_user(OPERATOR, "community.admin", COMMUNITY_ID, Role.ADMINISTRATOR, quick_hash(PASSWORD))
    head = app.register_user(OPERATOR, "alice", ACUTE_ID, Role.PROVIDER, quick_hash(PASSWORD)).position
    app.close()
    with client_of(served) as client:
        site = Site(client, issuer, served)
        assert client.get("/api/v1/organisations", params={"after": head}, headers=site.admin()).status_code == 200
        yield site


def test_the_providers_offered_are_listed_with_where_a_browser_starts(site: Site) -> None:
    listed = site.client.get("/api/v1/auth/identity-providers")

    assert listed.json() == [{"key": "cis2", "display_name": "NHS CIS2", "sign_in": "/auth/oidc/cis2"}]


def test_the_sign_in_starts_at_the_provider_with_state_nonce_and_an_s256_code_challenge(site: Site) -> None:
    start = site.client.get("/auth/oidc/cis2", follow_redirects=False)

    asked = parse_qs(urlsplit(start.headers["location"]).query)
    assert start.headers["location"].startswith(f"{site.issuer}/oauth2/authorize?")
    assert asked["redirect_uri"] == ["http://testserver/auth/oidc/cis2/callback"]
    assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43
    assert len(asked["state"][0]) >= 43 and len(asked["nonce"][0]) >= 43
    assert asked["scope"] == ["openid profile email"] and asked["client_id"] == ["corral"]
    cookie = start.headers["set-cookie"].lower()
    assert f"{PENDING_COOKIE}=" in cookie and "httponly" in cookie and "path=/auth/oidc" in cookie


def test_an_identity_its_administrator_linked_signs_in_to_a_session_that_works_as_a_password_s_does(site: Site) -> None:
    assert site.link("colin").status_code == 201

    signed_in = site.sign_in(SUBJECT)

    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/home"
    cookie = signed_in.headers["set-cookie"].lower()
    assert "corral_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert site.client.get("/api/v1/me").json()["username"] == "colin"
    csrf = site.client.get("/api/v1/auth/session").json()["csrf_token"]
    assert site.client.post("/api/v1/auth/logout").status_code == 403  # a change needs the session's CSRF token
    assert site.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert site.client.get("/api/v1/me").status_code == 401


def test_a_browser_is_sent_on_by_a_page_of_this_site_so_that_its_strict_session_cookie_goes_with_it(
    site: Site,
) -> None:
    site.link("colin")

    signed_in = site.sign_in(SUBJECT, accept="text/html")

    assert signed_in.status_code == 200 and 'http-equiv="refresh" content="0;url=/home"' in signed_in.text
    assert "corral_session=" in signed_in.headers["set-cookie"]
    assert site.client.get("/api/v1/me").json()["username"] == "colin"


def test_a_sign_in_the_provider_denied_is_refused_in_its_words(site: Site) -> None:
    start = site.client.get("/auth/oidc/cis2", follow_redirects=False)
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]

    denied = site.client.get("/auth/oidc/cis2/callback", params={"state": state, "error": "access_denied"})

    assert denied.status_code == 401 and denied.json()["detail"] == "NHS CIS2 did not sign you in: access_denied"


def test_an_identity_signs_in_again_by_its_subject_alone_whatever_its_email_says_now(site: Site) -> None:
    site.link("colin")
    site.sign_in(SUBJECT)
    site.client.cookies.clear()

    again = site.sign_in(SUBJECT, {"email": "someone.else@example.nhs.uk", "email_verified": False})

    assert again.status_code == 303
    assert site.client.get("/api/v1/me").json()["username"] == "colin"
    identity = site.client.app.state.corral.identity(site.issuer, SUBJECT)  # type: ignore[attr-defined]
    kinds = [type(e).__name__ for e in site.client.app.state.corral.events.get(identity.id)]  # type: ignore[attr-defined]
    assert kinds == ["Recognised", "Linked", "SignedIn", "SignedIn"]
    head = site.client.app.state.corral.recorder.max_notification_id()  # type: ignore[attr-defined]
    assert site.client.get("/api/v1/organisations", params={"after": head}).status_code == 200  # views applied all
    views = site.client.get("/readyz").json()["views"]
    assert views and all(lag["events"] == 0 and lag["stuck"] is None for lag in views.values())


def test_an_unknown_identity_is_refused_in_words_that_say_to_ask_the_administrator_and_gets_no_account(
    site: Site,
) -> None:
    refused = site.sign_in("stranger", {"email": "stranger@example.nhs.uk", "email_verified": True})

    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["rule"] == "UnknownIdentity"
    assert "ask your organisation's administrator" in refused.json()["detail"]
    assert "corral_session" not in refused.headers.get("set-cookie", "")
    assert site.client.get("/api/v1/me").status_code == 401
    identity = site.client.app.state.corral.identity(site.issuer, "stranger")  # type: ignore[attr-defined]
    assert identity.username == "" and identity.version == 2  # recognised, and its refusal recorded


def test_a_browser_meets_an_unknown_identity_s_refusal_as_a_page(site: Site) -> None:
    refused = site.sign_in("stranger", {"email": "stranger@example.nhs.uk"}, accept="text/html")

    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    assert "ask your organisation&#39;s administrator" in refused.text


@pytest.mark.parametrize("allowed", [False, True])
def test_a_verified_email_matches_a_first_sign_in_only_where_the_organisation_chose_it(
    site: Site, allowed: bool
) -> None:
    if allowed:
        site.choose(password_sign_in=True, match_verified_email=True)
    claims: dict[str, object] = {"email": "Colin@example.nhs.uk", "email_verified": True, "org_code": "COMMUNITY"}

    first = site.sign_in(SUBJECT, claims)

    assert first.status_code == (303 if allowed else 403)
    assert site.client.get("/api/v1/me").status_code == (200 if allowed else 401)


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "colin@example.nhs.uk", "email_verified": False, "org_code": "COMMUNITY"},  # not verified
        {"email": "colin@example.nhs.uk", "org_code": "COMMUNITY"},  # verified not said
        {"email": "colin@example.nhs.uk", "email_verified": True, "org_code": "ACUTE"},  # another organisation
        {"email": "colin@example.nhs.uk", "email_verified": True},  # no organisation
    ],
)
def test_an_email_not_verified_or_not_of_the_organisation_claimed_never_matches(
    site: Site, claims: dict[str, object]
) -> None:
    site.choose(password_sign_in=True, match_verified_email=True)

    refused = site.sign_in(SUBJECT, claims)

    assert refused.status_code == 403 and refused.json()["rule"] == "UnknownIdentity"


def test_where_password_sign_in_is_switched_off_every_password_is_refused_and_single_sign_on_works(
    site: Site,
) -> None:
    site.link("colin")
    site.choose(password_sign_in=False, match_verified_email=False)
    form = {"username": "colin", "password": PASSWORD}

    token = site.client.post("/api/v1/auth/token", data=form)
    session = site.client.post("/api/v1/auth/session", data=form)
    page = site.client.post("/sign-in", data=form, headers={"accept": "text/html"})
    wrong = site.client.post("/api/v1/auth/token", data=form | {"password": "not the password at all"})
    elsewhere = site.client.post("/api/v1/auth/token", data={"username": "alice", "password": PASSWORD})

    assert (token.status_code, session.status_code) == (403, 403)
    assert token.json()["rule"] == "PasswordSignInOff" and "single sign-on" in token.json()["detail"]
    assert page.status_code == 400 and "switched password sign-in off" in page.text
    assert wrong.status_code == 401  # a wrong password learns nothing of the organisation's choice
    assert elsewhere.status_code == 200  # another organisation's users are not touched
    assert site.sign_in(SUBJECT).status_code == 303
    assert site.client.get("/api/v1/me").json()["username"] == "colin"


def test_an_identity_is_linked_only_by_the_administrator_of_the_account_s_organisation(site: Site) -> None:
    assert site.link("alice").status_code == 404  # another organisation's account reads as no account
    assert site.link("colin").status_code == 201
    assert site.link("community.admin").status_code == 409  # one identity, one account
    unknown = site.client.post(
        "/api/v1/users/colin/identities", json={"provider": "okta", "subject": "x"}, headers=site.admin()
    )
    assert unknown.status_code == 422


def test_a_tampered_a_mismatched_a_missing_and_an_expired_state_are_each_refused(site: Site) -> None:
    site.link("colin")
    callback = site.at_provider(SUBJECT)
    cookie = site.client.cookies[PENDING_COOKIE]
    state = parse_qs(urlsplit(callback).query)["state"][0]

    mismatched = site.client.get(callback.replace(state, state[::-1]), follow_redirects=False)
    site.client.cookies.set(PENDING_COOKIE, cookie[:-4] + "AAAA", path="/auth/oidc")
    tampered = site.client.get(callback, follow_redirects=False)
    site.client.cookies.clear()
    missing = site.client.get(callback, follow_redirects=False)
    pending = Pending("cis2", state, "a nonce", "a verifier", "/home")
    site.client.cookies.set(PENDING_COOKIE, pending.sealed(site.settings.signing_key(), -1), path="/auth/oidc")
    expired = site.client.get(callback, follow_redirects=False)

    for refused, words in [
        (mismatched, "does not match"),
        (tampered, "cannot be trusted"),
        (missing, "not started here"),
        (expired, "took too long"),
    ]:
        assert refused.status_code == 401 and words in refused.json()["detail"], refused.text
    assert site.client.get("/api/v1/me").status_code == 401


def test_an_id_token_whose_nonce_is_not_the_sign_in_s_is_refused(site: Site) -> None:
    site.link("colin")
    callback = site.at_provider(SUBJECT)
    key = site.settings.signing_key()
    state = parse_qs(urlsplit(callback).query)["state"][0]
    sent = Pending.unsealed(site.client.cookies[PENDING_COOKIE], key, "cis2", state)
    replayed = Pending(sent.provider, sent.state, "another sign-in's nonce", sent.verifier, sent.next)
    site.client.cookies.set(PENDING_COOKIE, replayed.sealed(key, 5), path="/auth/oidc")

    refused = site.client.get(callback, follow_redirects=False)

    assert refused.status_code == 401 and "does not check out" in refused.json()["detail"]
    assert site.client.get("/api/v1/me").status_code == 401
