"""The payment rules page: the commissioner sees the version in force, compares another (recording nothing), and
adopts it with a reason (refused without one, naming the field); a provider finds no such page.

The world: each provider's CQUIN value is 2,500,000 on one narrative milestone; the acute trust's is Partially Met."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.achievement import AssessmentStatus
from domain.actors import Role
from domain.application import Corral
from domain.milestones import Quarter
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, OPERATOR, narrative, narrative_milestone
from tests.builders import quick_hash
from tests.e2e.serving import client_of
from tests.e2e.test_page_set_up import PASSWORD, hidden, signed_in
from tests.integration.given import agreed_scheme, event_count, presented


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[TestClient, Corral, UUID]]:
    signed = settings.model_copy(update={"secret_key": SecretStr("r" * 48), "embedded_projector": True})
    app = build_application(signed)
    agreed = agreed_scheme(app, narrative_milestone("M1"))
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))
    partly = AssessmentStatus.PARTIALLY_MET
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Quarter.Q1, ACUTE_ID, "M1", partly, "Half the wards.")
    for username, organisation, role in (
        ("gill", COMMISSIONER_ID, Role.COMMISSIONER),
        ("alice", ACUTE_ID, Role.PROVIDER),
    ):
        app.register_user(OPERATOR, username, organisation, role, quick_hash(PASSWORD))
    with client_of(signed) as client:
        yield client, app, agreed.programme_id
    app.close()


def test_the_commissioner_compares_partial_60_recording_nothing_then_adopts_it_with_a_reason(
    world: tuple[TestClient, Corral, UUID],
) -> None:
    client, app, programme_id = world
    page = f"/programmes/{programme_id}/payment-rules"
    csrf = signed_in(client, "gill")
    recorded = event_count(app)

    payments = client.get(
        f"/programmes/{programme_id}/payments", params={"after": app.recorder.max_notification_id()}
    ).text
    compared = client.get(page, params={"rules": "partial-60"}).text
    unknown = client.get(page, params={"rules": "partial-99"}).text
    compared_events = event_count(app)
    no_reason = client.post(page, data=hidden(compared, page) | {"csrf_token": csrf, "rules": "partial-60"})
    adopted = client.post(
        page,
        data=hidden(compared, page)
        | {"csrf_token": csrf, "rules": "partial-60", "reason": "This year's guidance.", "idempotency_key": "again"},
    )

    assert f'href="{page}"' in payments
    assert "The rules in force: standard-1" in compared and "Partially Met earns 50%" in compared
    # 1,250,000 earned now (half of 2,500,000); 1,500,000 under partial-60.
    assert "a difference of <strong>£250,000</strong>" in compared and "£1,500,000" in compared
    assert "Q1 (open)" in compared and "1 other scheme-quarter would earn the same" in compared  # the community trust's
    assert "there is no payment rules version &#39;partial-99&#39;" in unknown
    assert compared_events == recorded  # comparing recorded nothing
    assert no_reason.status_code == 422 and "Reason:" in no_reason.text, no_reason.text[-3000:]
    assert adopted.status_code == 200 and "The rules in force: partial-60" in adopted.text
    assert event_count(app) == recorded + 1


def test_a_provider_finds_no_payment_rules_page_and_no_link_to_it(world: tuple[TestClient, Corral, UUID]) -> None:
    client, app, programme_id = world
    signed_in(client, "alice")

    payments = client.get(
        f"/programmes/{programme_id}/payments", params={"after": app.recorder.max_notification_id()}
    ).text
    rules = client.get(f"/programmes/{programme_id}/payment-rules", params={"rules": "partial-60"})

    assert rules.status_code == 404
    assert "payment-rules" not in payments
