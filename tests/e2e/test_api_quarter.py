"""A whole quarter over HTTP: submit, return, revise, accept, present, query, assess, appeal, close, pay."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import (
    ACUTE_ID,
    OPERATOR,
    COMMISSIONER_ID,
    COMMUNITY_ID,
    flu_milestone,
    narrative_milestone,
    quick_hash,
)
from tests.e2e.serving import client_of
from tests.integration.given import agreed_scheme

PASSWORD = "a long enough password"


class Session:
    """A signed-in user of the test server."""

    def __init__(self, client: TestClient, username: str) -> None:
        token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
        self.client, self.headers = client, {"Authorization": f"Bearer {token['access_token']}"}

    def post(self, path: str, body: dict[str, object] | None = None, **headers: str) -> dict[str, object]:
        answer = self.client.post(f"/api/v1{path}", json=body or {}, headers=self.headers | headers)
        assert answer.status_code in (200, 201), answer.text
        result: dict[str, object] = answer.json()
        return result

    def get(self, path: str, **params: object) -> dict[str, object]:
        answer = self.client.get(f"/api/v1{path}", params=params, headers=self.headers)
        assert answer.status_code == 200, answer.text
        result: dict[str, object] = answer.json()
        return result


def assess_all(commissioner: Session, review: str, acute_m1: str, acute_flu: str, community_m1: str, flu: str) -> None:
    """The commissioner assesses both providers' M1 and FLU on the pack, with these statuses."""
    for provider_id, code, status in (
        (ACUTE_ID, "M1", acute_m1),
        (ACUTE_ID, "FLU", acute_flu),
        (COMMUNITY_ID, "M1", community_m1),
        (COMMUNITY_ID, "FLU", flu),
    ):
        body = {"provider_id": str(provider_id), "milestone_code": code, "status": status, "rationale": "on the pack"}
        commissioner.post(f"{review}/assessments", body)


@pytest.fixture
def quarter(settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, str, str]]:
    signed = settings.model_copy(
        update={"secret_key": SecretStr("q" * 48), "embedded_projector": True, "attachments_dir": tmp_path / "files"}
    )
    app = build_application(signed)
    agreed = agreed_scheme(app, narrative_milestone("M1"), flu_milestone("FLU"))
    password_hash = quick_hash(PASSWORD)
    for username, organisation_id, role in (
        ("alice", ACUTE_ID, Role.PROVIDER),
        ("colin", COMMUNITY_ID, Role.PROVIDER),
        ("gill", COMMISSIONER_ID, Role.COMMISSIONER),
        ("fiona", COMMISSIONER_ID, Role.FINANCE_APPROVER),
    ):
        app.register_user(OPERATOR, username, organisation_id, role, password_hash)
    app.close()
    with client_of(signed) as client:
        yield client, str(agreed.programme_id), str(agreed.scheme_id)


def test_a_quarter_played_over_http_ends_in_the_hand_computed_payments(quarter: tuple[TestClient, str, str]) -> None:
    client, programme_id, scheme_id = quarter
    alice, colin, gill = Session(client, "alice"), Session(client, "colin"), Session(client, "gill")
    review = f"/schemes/{scheme_id}/quarters/Q1"

    def submit(who: Session, code: str, **evidence: object) -> str:
        body = {"narrative": f"{code} evidence", **evidence}
        return str(who.post(f"/schemes/{scheme_id}/milestones/{code}/submissions", body)["id"])

    colin_m1 = submit(colin, "M1")
    colin_flu = submit(colin, "FLU", numerator="70", denominator="100")
    alice_m1, alice_flu = submit(alice, "M1"), submit(alice, "FLU", numerator="90", denominator="100")
    alice.post(f"/submissions/{colin_m1}/return", {"comments": "Attach the audit, please."})
    colin.post(
        f"/submissions/{colin_m1}/revisions",
        {"narrative": "Audit attached.", "reason": "as asked"},
        **{"If-Match": '"2"'},
    )
    for submission in (colin_m1, colin_flu, alice_m1, alice_flu):
        alice.post(f"/submissions/{submission}/acceptance", {"comments": "In the pack."})
    alice.post(f"{review}/pack")
    gill.post(f"{review}/query", {"questions": "Is the community flu figure for all frontline staff?"})
    alice.post(f"/submissions/{colin_flu}/return", {"comments": "Include bank staff."})
    colin.post(f"/submissions/{colin_flu}/revisions", {"numerator": "75", "denominator": "100", "reason": "bank staff"})
    alice.post(f"/submissions/{colin_flu}/acceptance")
    alice.post(f"{review}/pack")
    assess_all(gill, review, "Met", "Met", "Partially Met", "Partially Met")
    appeal = {"provider_id": str(COMMUNITY_ID), "milestone_code": "M1", "status": "Met", "rationale": "audit complete"}
    seen = client.get(f"/api/v1{review}/review", headers=gill.headers)
    gill.post(
        f"{review}/appeals",
        appeal | {"reason": "the audit covered every ward after all"},
        **{"If-Match": seen.headers["ETag"]},
    )
    closed = gill.post(f"{review}/closure")

    paid = gill.get(f"/programmes/{programme_id}/payments", after=closed["position"])
    own = colin.get(f"/programmes/{programme_id}/payments")

    by_provider = {p["provider_id"]: p["total"] for p in paid["providers"]}  # type: ignore[attr-defined, index]
    # 100,000,000 x 2.5% = 2,500,000 each; two Q1 milestones of 1,250,000.
    # Community: M1 Met on appeal 1,250,000 + FLU 75% on the 60-80% scale = 0.75 x 1,250,000 = 937,500.
    assert by_provider[str(COMMUNITY_ID)]["earned"] == "2187500.00"
    assert by_provider[str(COMMUNITY_ID)]["shortfall"] == "312500.00"
    assert by_provider[str(ACUTE_ID)]["earned"] == "2500000.00"
    assert paid["total"]["achieved_percent"] == "93.75"  # type: ignore[index]
    assert [p["provider_id"] for p in own["providers"]] == [str(COMMUNITY_ID)]  # type: ignore[attr-defined, index]
    assert [len(pack["entries"]) for pack in seen.json()["packs"]] == [4, 4]
    assert {a["status"] for a in seen.json()["assessments"]} == {"Met", "Partially Met"}


def test_the_evidence_behind_each_decision_is_shown_as_it_was_assessed(quarter: tuple[TestClient, str, str]) -> None:
    client, _, scheme_id = quarter
    alice, colin, gill = Session(client, "alice"), Session(client, "colin"), Session(client, "gill")
    first = colin.post(f"/schemes/{scheme_id}/milestones/FLU/submissions", {"numerator": "70", "denominator": "100"})
    alice.post(f"/submissions/{first['id']}/acceptance")
    alice.post(f"/schemes/{scheme_id}/quarters/Q1/pack")
    decision = {
        "provider_id": str(COMMUNITY_ID),
        "milestone_code": "FLU",
        "status": "Partially Met",
        "rationale": "70%",
    }
    gill.post(f"/schemes/{scheme_id}/quarters/Q1/assessments", decision)
    path = f"/schemes/{scheme_id}/quarters/Q1/assessments/{COMMUNITY_ID}/FLU/history"

    history = client.get(f"/api/v1{path}", headers=gill.headers).json()

    [entry] = history
    assert entry["assessment"]["achievement"] == "0.5" and entry["submission_version"] == 1
    assert entry["evidence"]["figures"] == {"numerator": "70", "denominator": "100"}
    assert client.get(f"/api/v1{path}", headers=colin.headers).status_code == 200


def test_the_commissioner_departs_from_the_figures_over_http_only_with_a_reason_and_the_payments_show_it(
    quarter: tuple[TestClient, str, str],
) -> None:
    client, programme_id, scheme_id = quarter
    alice, gill = Session(client, "alice"), Session(client, "gill")
    review = f"/schemes/{scheme_id}/quarters/Q1"
    for code, evidence in (("M1", {}), ("FLU", {"numerator": "90", "denominator": "100"})):
        submitted = alice.post(f"/schemes/{scheme_id}/milestones/{code}/submissions", {"narrative": "ok", **evidence})
        alice.post(f"/submissions/{submitted['id']}/acceptance")
    alice.post(f"{review}/pack")
    flu = {"provider_id": str(ACUTE_ID), "milestone_code": "FLU", "status": "Partially Met", "rationale": "On audit"}
    why = "The uptake figures were not validated by occupational health"

    refused = client.post(f"/api/v1{review}/assessments", json=flu, headers=gill.headers)
    assessed = gill.post(f"{review}/assessments", flu | {"override_reason": why})
    paid = gill.get(f"/programmes/{programme_id}/payments", after=assessed["position"])
    board = gill.get(f"{review}/board")
    audit = gill.get(f"/programmes/{programme_id}/audit", limit=1)
    exported = client.get(f"/api/v1/programmes/{programme_id}/payments.csv", headers=gill.headers).text

    assert refused.status_code == 422 and refused.json()["rule"] == "StatusDisagreesWithFigures"
    assert "to depart from the share the figures give, record your reason" in refused.json()["detail"]
    [acute] = [p for p in paid["providers"] if p["provider_id"] == str(ACUTE_ID)]  # type: ignore[attr-defined]
    # The figures give 90%, beyond 80%: Met, 1,250,000; Partially Met by judgement earns half: 625,000.
    assert acute["total"]["earned"] == "625000.00"
    assert acute["overridden"] == [
        {
            "scheme_id": scheme_id,
            "quarter": "Q1",
            "milestone_code": "FLU",
            "status": "Partially Met",
            "figures_share": "1",
            "achievement": "0.5",
            "reason": why,
        }
    ]
    assert why in str(board) and why in str(audit)
    assert f"FLU: Partially Met, the figures gave 100% ({why})" in exported


def test_a_later_revision_and_a_second_pack_leave_the_first_pack_byte_for_byte_as_it_was(
    quarter: tuple[TestClient, str, str],
) -> None:
    client, _, scheme_id = quarter
    alice, colin, gill = Session(client, "alice"), Session(client, "colin"), Session(client, "gill")
    review, packs = f"/schemes/{scheme_id}/quarters/Q1", f"/api/v1/schemes/{scheme_id}/quarters/Q1/packs"
    audit = b"ward,safety plans\nA,40\n"
    upload = client.post("/api/v1/attachments", files={"file": ("audit.csv", audit, "text/csv")}, headers=colin.headers)
    first = {"narrative": "The first audit.", "attachments": [{"sha256": upload.json()["sha256"]}]}
    submission = str(colin.post(f"/schemes/{scheme_id}/milestones/M1/submissions", first)["id"])
    alice.post(f"/submissions/{submission}/acceptance", {"comments": "Good: in the pack."})
    alice.post(f"{review}/pack")
    gill.post(f"{review}/query", {"questions": "Which wards did the audit cover?"})

    def pack(number: int, form: str) -> bytes:
        answer = client.get(f"{packs}/{number}.{form}", headers=gill.headers)
        assert answer.status_code == 200, answer.text
        return answer.content

    before = pack(1, "pdf"), pack(1, "zip")
    alice.post(f"/submissions/{submission}/return", {"comments": "Name the wards."})
    colin.post(f"/submissions/{submission}/revisions", {"narrative": "Wards A to F audited.", "reason": "wards named"})
    alice.post(f"/submissions/{submission}/acceptance")
    alice.post(f"{review}/pack")
    decision = {"provider_id": str(COMMUNITY_ID), "milestone_code": "M1", "status": "Met", "rationale": "All wards."}
    gill.post(f"{review}/assessments", decision)

    after = pack(1, "pdf"), pack(1, "zip")
    second = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pack(2, "pdf"))).pages)
    with zipfile.ZipFile(io.BytesIO(before[1])) as zipped:
        kept = {name: zipped.read(name) for name in zipped.namelist() if name.startswith("attachments/")}

    assert after == before
    assert "Which wards did the audit cover?" in " ".join(
        pypdf.PdfReader(io.BytesIO(before[0])).pages[-1].extract_text().split()
    )
    assert "Wards A to F audited." in second and "Revision 2" in second and "All wards." in second
    assert list(kept.values()) == [audit] and "The first audit." not in second
