"""Signing in with OpenID Connect in a browser, against a real OpenID provider the test starts (oidc-provider-mock)
configured as NHS CIS2: the sign-in page's button, the provider's own page, and back signed in, live updates and all;
an unknown identity's clear page; and an administrator switching password sign-in off on the organisation page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, OpenContext, Server, _serving, check

SUBJECT = "cis2-5551234"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with run_server_in_thread(require_nonce=True) as provider:
        yield f"http://127.0.0.1:{provider.server_port}"


def cis2(issuer: str) -> str:
    """CORRAL_OIDC_PROVIDERS naming the test's provider as NHS CIS2."""
    provider = {"key": "cis2", "display_name": "NHS CIS2", "issuer": issuer, "client_id": "corral"}
    return json.dumps([provider | {"client_secret": "a client secret"}])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, demo_database: Path, issuer: str) -> Iterator[Server]:
    with _serving(demo_database, tmp_path_factory.mktemp("oidc-server"), oidc_providers=cis2(issuer)) as served:
        yield served


def linked(site: Server, username: str, subject: str) -> None:
    """The CCG's administrator links the identity to the account, over the API."""
    with httpx.Client(base_url=site.url) as http:
        token = http.post("/api/v1/auth/token", data={"username": "sdt-ccg.admin", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        body = {"provider": "cis2", "subject": subject}
        http.post(f"/api/v1/users/{username}/identities", json=body, headers=headers).raise_for_status()


def with_cis2(open_context: OpenContext, site: Server, subject: str) -> Page:
    """A fresh browser on the sign-in page, through its NHS CIS2 button and the provider's page as `subject`."""
    page = open_context(base_url=site.url).new_page()
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with NHS CIS2").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    return page


def test_a_linked_identity_signs_in_with_the_button_and_lands_home_with_live_updates(
    open_context: OpenContext, site: Server
) -> None:
    linked(site, "sdt-ccg.quality", SUBJECT)
    page = open_context(base_url=site.url).new_page()
    page.goto("/sign-in")
    check(page, "sign-in-with-cis2")

    page = with_cis2(open_context, site, SUBJECT)

    page.wait_for_url("**/home")
    expect(page.locator("#live-status")).to_have_text("Live")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_unknown_identity_gets_a_page_telling_the_person_to_ask_their_administrator(
    open_context: OpenContext, site: Server
) -> None:
    page = with_cis2(open_context, site, "someone-unknown")

    expect(page.locator("main")).to_contain_text("ask your organisation's administrator")
    check(page, "sign-in-unknown-identity")
    page.goto("/home")
    page.wait_for_url("**/sign-in**")  # no session was opened


def test_an_administrator_switches_password_sign_in_off_and_only_single_sign_on_works(
    open_context: OpenContext, tmp_path: Path, demo_database: Path, issuer: str
) -> None:
    with _serving(demo_database, tmp_path, oidc_providers=cis2(issuer)) as own:
        linked(own, "sdt-ccg.quality", SUBJECT)
        admin = open_context(base_url=own.url).new_page()
        admin.goto("/sign-in")
        admin.get_by_label("Username").fill("sdt-ccg.admin")
        admin.get_by_label("Password").fill(PASSWORD)
        admin.get_by_role("button", name="Sign in", exact=True).click()
        admin.goto("/organisation")
        admin.get_by_label("Users may sign in with a password").uncheck()
        admin.get_by_role("button", name="Save how users sign in").click()
        expect(admin.locator("[role=status], [role=alert]").first).to_contain_text("single sign-on only")
        check(admin, "organisation-sign-in-choice")

        page = open_context(base_url=own.url).new_page()
        page.goto("/sign-in")
        page.get_by_label("Username").fill("sdt-ccg.quality")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.locator("main")).to_contain_text("switched password sign-in off")

        signed_in = with_cis2(open_context, own, SUBJECT)
        signed_in.wait_for_url("**/home")
