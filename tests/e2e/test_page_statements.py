"""The payments page's payment schedule: the commissioner sets the on-account basis (bad input names the field and
records nothing), statements are issued from the page, the finance approver issues but sets no basis, and a provider
sees its own statements and no form."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from domain.application import Corral
from tests.builders import ACUTE_ID, COMMISSIONER_ID, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.serving import client_of
from tests.e2e.test_page_set_up import PASSWORD, hidden, signed_in
from tests.integration.given import agreed_scheme, event_count


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[TestClient, Corral, UUID]]:
    signed = settings.model_copy(update={"secret_key": SecretStr("s" * 48), "embedded_projector": True})
    app = build_application(signed)
    programme_id = agreed_scheme(app).programme_id
    for username, organisation, role in (
        ("gill", COMMISSIONER_ID, Role.COMMISSIONER),
        ("fiona", COMMISSIONER_ID, Role.FINANCE_APPROVER),
        ("alice", ACUTE_ID, Role.PROVIDER),
    ):
        app.register_user(OPERATOR, username, organisation, role, quick_hash(PASSWORD))
    with client_of(signed) as client:
        yield client, app, programme_id
    app.close()


def test_the_schedule_is_set_and_issued_on_the_payments_page_and_each_reader_sees_their_part(
    world: tuple[TestClient, Corral, UUID],
) -> None:
    client, app, programme_id = world
    page, basis, statements = (
        f"/programmes/{programme_id}/{p}" for p in ("payments", "on-account-basis", "statements")
    )
    csrf = signed_in(client, "gill")
    before = client.get(page).text
    fields = {"csrf_token": csrf, "approval_threshold": "250000", "reason": "As last year."}
    recorded = event_count(app)
    too_much = client.post(basis, data=hidden(before, basis) | fields | {"expected_achievement": "190"})
    set_answer = client.post(
        basis, data=hidden(before, basis) | fields | {"expected_achievement": "90", "idempotency_key": "again"}
    )
    issued = client.post(statements, data=hidden(client.get(page).text, statements) | {"csrf_token": csrf})
    shown = client.get(page).text

    assert "No on-account basis is set yet" in before and 'action="/programmes/' in before
    assert too_much.status_code == 422 and "Expected achievement" in too_much.text
    assert set_answer.status_code == 200 and issued.status_code == 200
    assert event_count(app) == recorded + 2
    assert "<strong>90.0%</strong> expected achievement" in shown and "£250,000" in shown
    assert "No statement issued yet." in shown
    assert (
        "£187,500" in shown and "-£" not in shown
    )  # the first provider's April: a month on account, nothing clawed back
    assert "Value in closed quarters" in shown and "Expected for them" in shown
    assert "May statement" in shown and "April statement" in shown  # the one issued; the other provider's still due

    client.cookies.clear()
    signed_in(client, "fiona")
    as_fiona = client.get(page).text
    client.cookies.clear()
    signed_in(client, "alice")
    as_alice = client.get(page).text

    assert "Set the basis" not in as_fiona and "May statement" in as_fiona
    assert "Set the basis" not in as_alice and "statement</button>" not in as_alice
    assert f"statements-{ACUTE_ID}" in as_alice and f"statements-{COMMUNITY_ID}" not in as_alice
