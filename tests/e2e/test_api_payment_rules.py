"""The payment rules over HTTP: the published versions, a replay under another version (each provider its own),
and the commissioner adopting one, refused without a reason, for an unknown version, a stale If-Match or again."""

from __future__ import annotations

import csv
import io

import openpyxl
from fastapi.testclient import TestClient

from api.http.exports import POUNDS_FORMAT

from tests.builders import ACUTE_ID, COMMUNITY_ID
from tests.e2e.test_api_quarter import Session, quarter  # noqa: F401 - the fixture: an agreed scheme

RULES = "/programmes/{}/payment-rules"


def played(client: TestClient, scheme_id: str) -> int:
    """Q1 presented and assessed: the community trust's narrative M1 Partially Met, its FLU at 70% (half of the
    60-80% scale, so Partially Met by its figures); the acute trust's M1 Met and FLU at 90% Met. Returns the log
    position of the last assessment, for reads to wait for."""
    alice, colin, gill = Session(client, "alice"), Session(client, "colin"), Session(client, "gill")
    review = f"/schemes/{scheme_id}/quarters/Q1"
    for who, code, figures in ((colin, "FLU", "70"), (colin, "M1", None), (alice, "FLU", "90"), (alice, "M1", None)):
        body = {"narrative": "evidence"} | ({"numerator": figures, "denominator": "100"} if figures else {})
        submitted = who.post(f"/schemes/{scheme_id}/milestones/{code}/submissions", body)
        alice.post(f"/submissions/{submitted['id']}/acceptance")
    alice.post(f"{review}/pack")
    position = 0
    for provider_id, code, status in (
        (ACUTE_ID, "M1", "Met"),
        (ACUTE_ID, "FLU", "Met"),
        (COMMUNITY_ID, "M1", "Partially Met"),
        (COMMUNITY_ID, "FLU", "Partially Met"),
    ):
        body = {"provider_id": str(provider_id), "milestone_code": code, "status": status, "rationale": "on the pack"}
        position = int(str(gill.post(f"{review}/assessments", body)["position"]))
    return position


def test_a_replay_under_partial_60_adds_a_tenth_of_the_narrative_partially_met_milestone_and_each_provider_sees_its_own(
    quarter: tuple[TestClient, str, str],  # noqa: F811
) -> None:
    client, programme_id, scheme_id = quarter
    position = played(client, scheme_id)
    alice, colin, gill = Session(client, "alice"), Session(client, "colin"), Session(client, "gill")
    replay = f"{RULES.format(programme_id)}/replay"

    seen = gill.get(replay, rules="partial-60", after=position)
    own = colin.get(replay, rules="partial-60")
    unchanged = gill.get(replay)
    unknown = client.get(f"/api/v1{replay}", params={"rules": "partial-99"}, headers=gill.headers)
    exported = client.get(f"/api/v1{replay}.csv", params={"rules": "partial-60"}, headers=alice.headers)
    workbook = client.get(f"/api/v1{replay}.xlsx", params={"rules": "partial-60"}, headers=gill.headers)

    # 100,000,000 x 2.5% = 2,500,000 a provider, over two Q1 milestones of 1,250,000. The community trust's narrative
    # M1 earns 0.5 now and 0.6 under partial-60: 125,000 more. Its FLU earns the share its figures give either way.
    assert (seen["now_rules"]["version"], seen["rules"]["version"]) == ("standard-1", "partial-60")  # type: ignore[index]
    assert seen["change"]["earned"] == "125000.00"  # type: ignore[index]
    assert seen["now"]["earned"] == "3750000.00" and seen["replayed"]["earned"] == "3875000.00"  # type: ignore[index]
    changes = {(d["provider_id"], d["quarter"], d["closed"]): d["change"]["earned"] for d in seen["differences"]}  # type: ignore[attr-defined, index]
    assert changes == {(str(ACUTE_ID), "Q1", False): "0.00", (str(COMMUNITY_ID), "Q1", False): "125000.00"}
    assert [d["provider_id"] for d in own["differences"]] == [str(COMMUNITY_ID)]  # type: ignore[attr-defined, index]
    assert own["change"]["earned"] == "125000.00"  # type: ignore[index]
    assert unchanged["rules"]["version"] == "standard-1" and unchanged["change"]["earned"] == "0.00"  # type: ignore[index]
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "rules")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][4:] == [
        "Earned now (standard-1)",
        "Earned under partial-60",
        "Difference",
        "Earned all year, closed quarters too",
        "Difference all year",
    ]
    assert [(row[6], row[8]) for row in rows[1:]] == [("0.00", "0.00")] * 2  # the acute trust's own cell, and its total
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    total = list(sheet[sheet.max_row])
    assert (total[0].value, total[6].value, total[6].number_format) == ("Total", 125000, POUNDS_FORMAT)
    assert total[8].value == 125000  # the quarter is open: all year, the same difference


def test_the_commissioner_adopts_partial_60_with_a_reason_and_the_open_quarter_is_repriced(
    quarter: tuple[TestClient, str, str],  # noqa: F811
) -> None:
    client, programme_id, scheme_id = quarter
    played(client, scheme_id)
    alice, gill = Session(client, "alice"), Session(client, "gill")
    address = f"/api/v1{RULES.format(programme_id)}"
    published = client.get("/api/v1/payment-rules", headers=alice.headers).json()
    before = client.get(address, headers=alice.headers)
    etag = before.headers["ETag"]
    chosen = {"version": "partial-60", "reason": "NHS England's 2015/16 guidance pays 60% for Partially Met."}

    by_provider = client.put(address, json=chosen, headers=alice.headers)
    unknown = client.put(address, json=chosen | {"version": "partial-99"}, headers=gill.headers | {"If-Match": etag})
    no_reason = client.put(address, json=chosen | {"reason": "  "}, headers=gill.headers | {"If-Match": etag})
    missing = client.put(address, json={"version": "partial-60"}, headers=gill.headers)
    stale = client.put(address, json=chosen, headers=gill.headers | {"If-Match": '"99"'})
    adopted = client.put(address, json=chosen, headers=gill.headers | {"If-Match": etag})
    again = client.put(address, json=chosen, headers=gill.headers)
    now = gill.get(RULES.format(programme_id))
    paid = gill.get(f"/programmes/{programme_id}/payments", after=adopted.json()["position"])

    partial_60 = next(r for r in published if r["version"] == "partial-60")
    assert partial_60["partial_fraction"] == "0.6" and "Partially Met earns 60%" in partial_60["terms"]
    assert before.json()["rules"]["version"] == "standard-1"
    assert by_provider.status_code == 403
    assert (unknown.status_code, unknown.json()["rule"], unknown.json()["field"]) == (422, "UnknownRules", "version")
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    assert (missing.status_code, missing.json()["errors"][0]["field"]) == (422, "reason")
    assert stale.status_code == 412
    assert adopted.status_code == 200 and adopted.headers["ETag"] == f'"{int(etag.strip(chr(34))) + 1}"'
    assert (again.status_code, again.json()["rule"], again.json()["field"]) == (422, "RulesAlreadyAdopted", "version")
    assert now["rules"]["version"] == "partial-60"  # type: ignore[index]
    # The community trust's M1 earns 0.6 x 1,250,000 = 750,000 and its FLU 0.5 x 1,250,000 = 625,000.
    earned = {p["provider_id"]: p["total"]["earned"] for p in paid["providers"]}  # type: ignore[attr-defined, index]
    assert earned == {str(ACUTE_ID): "2500000.00", str(COMMUNITY_ID): "1375000.00"}
