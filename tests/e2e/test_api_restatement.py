"""Restatement over HTTP: a closed quarter restated with a reason; payments show original, restated and the
difference; the quarter's assessments read as Corral knew them and as they were effective."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

from fastapi.testclient import TestClient

from tests.builders import COMMUNITY_ID
from tests.e2e.test_api_quarter import PASSWORD, Session, assess_all, quarter  # noqa: F401 - the fixture: an agreed scheme, three users


def assessed(client: TestClient, scheme_id: str) -> str:
    """Both providers' M1 and FLU are presented and assessed: the community trust's FLU (70%) Partially Met, the
    rest Met. Returns the quarter's address."""
    alice, colin, gill = Session(client, "alice"), Session(client, "colin"), Session(client, "gill")
    review = f"/schemes/{scheme_id}/quarters/Q1"
    for who, code, figures in ((colin, "FLU", ("70", "100")), (colin, "M1", None), (alice, "FLU", ("90", "100"))):
        body = {"narrative": "evidence"} | ({"numerator": figures[0], "denominator": figures[1]} if figures else {})
        submitted = who.post(f"/schemes/{scheme_id}/milestones/{code}/submissions", body)
        alice.post(f"/submissions/{submitted['id']}/acceptance")
    alice_m1 = alice.post(f"/schemes/{scheme_id}/milestones/M1/submissions", {"narrative": "evidence"})
    alice.post(f"/submissions/{alice_m1['id']}/acceptance")
    alice.post(f"{review}/pack")
    assess_all(gill, review, "Met", "Met", "Met", "Partially Met")
    return review


def test_a_closed_quarter_restated_over_http_shows_both_figures_and_answers_both_as_of_reads(
    quarter: tuple[TestClient, str, str],  # noqa: F811
) -> None:
    client, programme_id, scheme_id = quarter
    alice, colin, gill = Session(client, "alice"), Session(client, "colin"), Session(client, "gill")
    review = assessed(client, scheme_id)
    restatement = f"{review}/assessments/{COMMUNITY_ID}/FLU/restatement"
    corrected = {"status": "Partially Met", "rationale": "validated", "reason": "bank staff were left out"}
    corrected |= {"numerator": "78", "denominator": "100", "effective_on": "2014-05-15"}

    still_open = client.post(f"/api/v1{restatement}", json=corrected, headers=gill.headers)
    gill.post(f"{review}/closure")
    outside = client.post(
        f"/api/v1{restatement}", json=corrected | {"effective_on": "2014-07-01"}, headers=gill.headers
    )
    by_colin = client.post(f"/api/v1{restatement}", json=corrected, headers=colin.headers)
    before_restating = datetime.now(UTC).isoformat()
    restated = gill.post(restatement, corrected)

    assert (still_open.status_code, still_open.json()["rule"]) == (422, "QuarterNotClosed")
    assert (outside.status_code, outside.json()["errors"][0]["field"]) == (422, "effective_on")
    assert outside.json()["rule"] == "EffectiveDateOutsideQuarter"
    assert by_colin.status_code == 403
    paid = gill.get(f"/programmes/{programme_id}/payments", after=restated["position"])
    [community] = [p for p in paid["providers"] if p["provider_id"] == str(COMMUNITY_ID)]  # type: ignore[attr-defined]
    [flu] = community["restated"]
    # 1,250,000 a milestone: 70% gives 0.5 (625,000); 78% gives 0.9 (1,125,000); the difference 500,000.
    assert (flu["original"]["earned"], flu["restated"]["earned"], flu["difference"]["earned"]) == (
        "625000.00",
        "1125000.00",
        "500000.00",
    )
    assert (flu["original_status"], flu["effective_on"], flu["reason"]) == (
        "Partially Met",
        "2014-05-15",
        "bank staff were left out",
    )
    assert (community["total"]["earned"], community["restated_total"]["earned"]) == ("1875000.00", "2375000.00")
    assert (paid["total"]["earned"], paid["restated_total"]["earned"]) == ("4375000.00", "4875000.00")  # type: ignore[index]
    assert paid["difference"]["earned"] == "500000.00"  # type: ignore[index]
    exported = client.get(f"/api/v1/programmes/{programme_id}/payments.csv", headers=gill.headers).text
    assert "2375000.00,500000.00," in exported
    assert "Q1 FLU: Partially Met to Partially Met, a difference of +500,000.00, effective 15 May 2014" in exported

    def community_flu(**when: str) -> list[tuple[object, ...]]:
        read = alice.get(f"{review}/assessments", **when)["assessments"]
        return [
            (a["status"], a["numerator"], a["restated"])
            for a in read  # type: ignore[attr-defined]
            if a["provider_id"] == str(COMMUNITY_ID) and a["milestone_code"] == "FLU"
        ]

    assert community_flu(known_on=before_restating) == [("Partially Met", "70", False)]
    assert community_flu() == [("Partially Met", "78", True)]
    assert community_flu(effective_on="2014-05-14") == [("Partially Met", "70", False)]
    assert community_flu(effective_on="2014-06-30") == [("Partially Met", "78", True)]
    assert community_flu(effective_on="2014-03-31") == []
    assert community_flu(known_on=before_restating, effective_on="2014-06-30") == [("Partially Met", "70", False)]
    assert client.get(f"/api/v1{review}/assessments", headers=colin.headers).status_code == 404
    [restated_flu] = gill.get(f"{review}/review")["restated"]  # type: ignore[misc]
    assert (restated_flu["achievement"], restated_flu["effective_on"]) == ("0.9", "2014-05-15")
    client.post("/sign-in", data={"username": "gill", "password": PASSWORD, "next": "/"})
    page = client.get(f"/programmes/{programme_id}/payments").text
    assert "Restated after the close" in page
    assert ">£625,000<" in page and ">£1,125,000<" in page and ">£500,000<" in page


def test_the_commissioner_restates_from_the_review_page_of_a_closed_quarter(
    quarter: tuple[TestClient, str, str],  # noqa: F811
) -> None:
    client, _, scheme_id = quarter
    review = assessed(client, scheme_id)
    closed = Session(client, "gill").post(f"{review}/closure")
    client.post("/sign-in", data={"username": "gill", "password": PASSWORD, "next": "/"})
    csrf = client.get("/api/v1/auth/session").json()["csrf_token"]
    form = f"restate-{COMMUNITY_ID}-FLU"

    def restate(**typed: str) -> httpx.Response:
        page = client.get(f"{review}/review", params={"after": closed["position"]}).text  # once the close is shown
        drawn = page[page.index(f'id="{form}-details"') :]
        version, key = re.findall(r'name="(?:version|idempotency_key)" value="([^"]+)"', drawn)[:2]
        fields = {"csrf_token": csrf, "version": version, "idempotency_key": key}
        fields |= {"provider_id": str(COMMUNITY_ID), "milestone_code": "FLU", "status": "Partially Met"}
        fields |= {"rationale": "validated", "reason": "bank staff were left out"} | typed
        return client.post(f"{review}/restatements", data=fields, follow_redirects=False)

    mistyped = restate(numerator="78", denominator="100", **{"effective_on-day": "31", "effective_on-month": "6"})
    outside = restate(
        numerator="78",
        denominator="100",
        **{"effective_on-day": "1", "effective_on-month": "7", "effective_on-year": "2014"},
    )
    done = restate(
        numerator="78",
        denominator="100",
        **{"effective_on-day": "15", "effective_on-month": "5", "effective_on-year": "2014"},
    )

    assert mistyped.status_code == 422 and "The effective from date must include a year" in mistyped.text
    assert (
        outside.status_code == 422
        and "a restatement is effective inside Q1: between 1 April 2014 and 30 June 2014" in outside.text
    )
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert "is restated as Partially Met" in shown
    assert "Restated after the close:" in shown and "effective 15 May 2014" in shown
    decisions = client.get(f"{review}/assessments/{COMMUNITY_ID}").text
    assert "Restated after the close" in decisions and "Corrected figures</dt><dd>78 out of 100 (78.00%)" in decisions
