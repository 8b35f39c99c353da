"""A programme's payments kept while the progress view stands still (projections/kept.py): the same answer again,
each reader given only what their own access shows, and the very next read after a change shows it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.http.routers import payments as route

from projections.progress.queries import payments_for
from tests.builders import ACUTE_ID, COMMUNITY_ID
from tests.e2e.test_api_payment_rules import played
from tests.e2e.test_api_quarter import Session, quarter  # noqa: F401 - the fixture: an agreed scheme

PAYMENTS = "/api/v1/programmes/{}/payments"


def payments(client: TestClient, who: Session, programme_id: str, after: int = 0) -> bytes:
    """The payments answer as sent, once the views have applied `after`."""
    answer = client.get(PAYMENTS.format(programme_id), params={"after": after}, headers=who.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    return answer.content


def test_payments_read_again_while_nothing_changes_are_the_same_and_each_provider_is_given_only_its_own(
    quarter: tuple[TestClient, str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, programme_id, scheme_id = quarter
    position = played(client, scheme_id)
    alice, colin, gill = Session(client, "alice"), Session(client, "colin"), Session(client, "gill")
    worked_out = []
    monkeypatch.setattr(
        route, "payments_for", lambda view, access: worked_out.append(access) or payments_for(view, access)
    )

    commissioner = [payments(client, gill, programme_id, position) for _ in range(2)]
    acute = [payments(client, alice, programme_id) for _ in range(2)]
    community = [payments(client, colin, programme_id) for _ in range(2)]

    assert len(worked_out) == 3  # once for each access: the second read of each was given the kept answer
    assert commissioner[0] == commissioner[1]
    assert acute[0] == acute[1] and community[0] == community[1]
    assert acute[0] != community[0] != commissioner[0]
    assert str(COMMUNITY_ID) not in acute[0].decode() and str(ACUTE_ID) not in community[0].decode()
    assert {str(ACUTE_ID), str(COMMUNITY_ID)} <= set(commissioner[0].decode().split('"'))


def test_assessments_the_view_has_applied_are_in_the_very_next_payments_read(
    quarter: tuple[TestClient, str, str],  # noqa: F811
) -> None:
    client, programme_id, scheme_id = quarter
    alice, gill = Session(client, "alice"), Session(client, "gill")
    nudged = alice.post(
        f"/schemes/{scheme_id}/quarters/Q1/nudges", {"provider_id": str(COMMUNITY_ID), "message": "M1 is due"}
    )
    before = [payments(client, gill, programme_id, int(str(nudged["position"]))) for _ in range(2)]

    position = played(client, scheme_id)
    after = payments(client, gill, programme_id, position)

    assert before[0] == before[1] != after
    assert '"earned":"3750000.00"' in after.decode() and '"earned":"3750000.00"' not in before[0].decode()
