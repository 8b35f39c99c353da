"""The payment schedule over HTTP: the commissioner sets the on-account basis, statements are issued (above the
threshold by the finance approver), each provider reads only its own, and the statements download."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient

from tests.builders import ACUTE_ID, COMMUNITY_ID
from tests.e2e.test_api_quarter import Session, quarter  # noqa: F401 - the fixture: an agreed scheme and its users
from tests.e2e.test_api_restatement import assessed

BASIS = {"expected_achievement": "0.9", "approval_threshold": "200000", "reason": "Last year's achievement."}


def test_the_finance_approver_issues_what_commissioner_staff_may_not_and_each_provider_reads_its_own(
    quarter: tuple[TestClient, str, str],  # noqa: F811
) -> None:
    client, programme_id, scheme_id = quarter
    alice, gill, fiona = Session(client, "alice"), Session(client, "gill"), Session(client, "fiona")
    statements = f"/programmes/{programme_id}/statements"
    by_fiona = client.put(f"/api/v1/programmes/{programme_id}/on-account-basis", json=BASIS, headers=fiona.headers)
    basis = f"/api/v1/programmes/{programme_id}/on-account-basis"
    over_one = client.put(basis, json=BASIS | {"expected_achievement": "1.5"}, headers=gill.headers)
    no_month = client.post(f"/api/v1{statements}", json={"provider_id": str(ACUTE_ID)}, headers=gill.headers)
    client.put(basis, json=BASIS, headers=gill.headers)
    april = gill.post(statements, {"provider_id": str(ACUTE_ID), "month": 1})  # nothing closed: no adjustment
    gill.post(f"{assessed(client, scheme_id)}/closure")  # Q1 closes: the acute trust earned all its 2,500,000
    too_much = client.post(
        f"/api/v1{statements}", json={"provider_id": str(ACUTE_ID), "month": 2}, headers=gill.headers
    )
    may = fiona.post(statements, {"provider_id": str(ACUTE_ID), "month": 2})
    again = client.post(f"/api/v1{statements}", json={"provider_id": str(ACUTE_ID), "month": 2}, headers=fiona.headers)
    by_alice = client.post(
        f"/api/v1{statements}", json={"provider_id": str(ACUTE_ID), "month": 3}, headers=alice.headers
    )
    fiona.post(statements, {"provider_id": str(COMMUNITY_ID), "month": 1})
    assessing = client.post(
        f"/api/v1/schemes/{scheme_id}/quarters/Q1/assessments",
        json={"provider_id": str(ACUTE_ID), "milestone_code": "M1", "status": "Met", "rationale": "ok"},
        headers=fiona.headers,
    )

    assert (over_one.status_code, over_one.json()["errors"][0]["field"]) == (422, "expected_achievement")
    assert no_month.status_code == 422 and "month" in no_month.text
    assert by_fiona.status_code == 403 and assessing.status_code == 403 and by_alice.status_code == 403
    assert (too_much.status_code, too_much.json()["rule"]) == (403, "StatementNeedsApproval")
    assert "approval threshold of £200,000.00" in too_much.json()["detail"]
    assert (again.status_code, again.json()["rule"]) == (409, "StatementAlreadyIssued")
    everyone = gill.get(statements, after=may["position"])
    assert everyone["on_account_basis"] == {"expected_achievement": "0.9", "approval_threshold": "200000.00"}
    rows = [(s["provider_id"], s["month"], s["adjustment_due"], s["issued_by"]) for s in everyone["statements"]]  # type: ignore[attr-defined]
    assert sorted(rows) == sorted(
        [
            (str(ACUTE_ID), 1, "0.00", "gill"),  # 187,500 paid on account (2,500,000 x 0.9 / 12), nothing closed
            (str(ACUTE_ID), 2, "250000.00", "fiona"),  # Q1's 2,500,000 earned, 90% of it expected on account
            (str(COMMUNITY_ID), 1, "-375000.00", "fiona"),  # 1,875,000 of 2,500,000 earned, 2,250,000 expected
        ]
    )
    own = alice.get(statements)["statements"]
    assert {s["provider_id"] for s in own} == {str(ACUTE_ID)}  # type: ignore[index]
    assert fiona.get(statements)["statements"] == everyone["statements"]
    exported = client.get(f"/api/v1{statements}.csv", headers=alice.headers).text
    assert "April" in exported and "May" in exported and "250000.00" in exported and "-375000.00" not in exported
    assert "Value in closed quarters,Earned in closed quarters,Expected for them" in exported
    may_row = next(s for s in everyone["statements"] if s["month"] == 2)  # type: ignore[attr-defined, index]
    assert (may_row["value_closed"], may_row["earned_closed"], may_row["expected_closed"]) == (
        "2500000.00",
        "2500000.00",
        "2250000.00",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/v1{statements}.xlsx", headers=alice.headers).content))
    may_cells = [c for c in sheet.active[3] if c.column_letter in "CDEFGHIK"]  # April's row, then May's
    assert [c.value for c in may_cells][:5] == [187500, 375000, 2500000, 2500000, 2250000]
    assert {c.number_format for c in may_cells} == {'"£"#,##0.00'}
    assert april["version"] == 1 and may["version"] == 1
