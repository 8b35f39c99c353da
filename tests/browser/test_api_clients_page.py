"""The demo CCG's administrator registers an API client on its clients page, sees the secret once, and the other
system signs in with it; then revokes the client on the page, and the system's token stops working at once. Each
page passes axe."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import Server, SignIn, check


def test_an_administrator_registers_a_client_sees_its_secret_once_and_revokes_it(sign_in: SignIn, site: Server) -> None:
    admin = sign_in("sdt-ccg.admin")
    admin.goto("/users")
    admin.get_by_role("link", name="API clients").click()
    expect(admin.get_by_role("heading", name="API clients of South Devon and Torbay CCG")).to_be_visible()
    check(admin, "clients")
    admin.get_by_label("Name", exact=True).fill("Reporting warehouse")
    admin.get_by_label("Commissioner", exact=True).check()
    admin.get_by_label("progress:read", exact=False).check()
    admin.get_by_role("button", name="Register the client").click()

    expect(admin.get_by_role("heading", name="Reporting warehouse is registered")).to_be_visible()
    check(admin, "client-registered")
    client_id, secret = admin.locator("#client-id").inner_text(), admin.locator("#client-secret").inner_text()
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    token = httpx.post(f"{site.url}/api/v1/auth/token", data=form).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{site.url}/api/v1/programmes", headers=bearer).status_code == 200

    admin.get_by_role("link", name="Back to API clients").click()
    expect(admin.get_by_role("cell", name=client_id)).to_be_visible()
    expect(admin.get_by_text(secret)).to_have_count(0)
    admin.get_by_text("Revoke the client Reporting warehouse").click()
    admin.get_by_label("Why revoke it?").fill("The warehouse is replaced.")
    admin.get_by_role("button", name="Revoke the client").click()

    expect(admin.locator(".notification-banner, [role=status], [role=alert]").first).to_contain_text(
        "The client is revoked"
    )
    assert httpx.get(f"{site.url}/api/v1/programmes", headers=bearer).status_code == 401
