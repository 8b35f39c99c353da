"""The limits on input, attacked over HTTP, through a page's form and at the command line: each bad value is a 422
(or a refusal) naming its field, and nothing of it is recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Actor, Role
from domain.application import Corral
from tests.builders import ACUTE_ID, COMMISSIONER_ID, COMMUNITY_ID, flu_milestone, narrative_milestone, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import agreed_scheme

PASSWORD = "a long enough password"
EVIDENCE = {"narrative": "Safety plans audited for 40 patients.", "attachments": []}
CORRAL = Path(sys.executable).parent / "corral"


@dataclass
class Attack:
    client: TestClient
    app: Corral
    programme_id: str
    scheme_id: str
    headers: dict[str, dict[str, str]]

    def post(self, user: str, path: str, body: Any) -> httpx.Response:
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers[user])

    def head(self) -> int:
        """The log's head: where it stands now."""
        return self.app.recorder.max_notification_id() or 0

    def submitted(self, user: str = "colin", code: str = "M1", body: Any = None) -> str:
        answer = self.post(user, f"/schemes/{self.scheme_id}/milestones/{code}/submissions", body or EVIDENCE)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])


@pytest.fixture
def attack(settings: Settings) -> Iterator[Attack]:
    signed = settings.model_copy(update={"secret_key": SecretStr("l" * 48), "embedded_projector": True})
    app = build_application(signed)
    agreed = agreed_scheme(app, narrative_milestone("M1"), flu_milestone())  # ACUTE leads; ACUTE, COMMUNITY take part
    password_hash = quick_hash(PASSWORD)
    users = {"alice": (ACUTE_ID, Role.PROVIDER), "colin": (COMMUNITY_ID, Role.PROVIDER)}
    users |= {"gill": (COMMISSIONER_ID, Role.COMMISSIONER), "root": (COMMISSIONER_ID, Role.ADMINISTRATOR)}
    for username, (organisation_id, role) in users.items():
        administrator = Actor("admin", organisation_id, Role.ADMINISTRATOR)  # of the user's own organisation
        app.register_user(administrator, username, organisation_id, role, password_hash)
    with client_of(signed) as client:
        headers = {}
        for username in users:
            token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
            headers[username] = {"Authorization": f"Bearer {token['access_token']}"}
        yield Attack(client, app, str(agreed.programme_id), str(agreed.scheme_id), headers)
    app.close()


def refused_field(answer: httpx.Response) -> str:
    """The one field a 422 problem names, checked to be named the same way in `errors` and in `detail`."""
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    [error] = problem["errors"]
    assert problem["detail"] == f"{error['field'][:1].upper()}{error['field'][1:]}: {error['message']}"
    return str(error["field"])


def test_a_revision_reason_holding_nul_is_refused_naming_the_reason_and_records_nothing(attack: Attack) -> None:
    submission = attack.submitted()
    head = attack.head()

    answer = attack.post("colin", f"/submissions/{submission}/revisions", EVIDENCE | {"reason": "typo\u0000fixed"})

    assert refused_field(answer) == "reason"
    assert "U+0000" in answer.json()["detail"]
    assert attack.head() == head


@pytest.mark.parametrize(
    ("contract_value", "cquin_rate", "field"),
    [
        ("1E+1000000", "0.025", "contract_value"),
        ("12345678901234567890123456789012345678901", "0.025", "contract_value"),
        ("100000000", "0.0000000000000000000000000000000000000025", "cquin_rate"),
        ("100000000.001", "0.025", "contract_value"),
    ],
    ids=["1E+1000000", "41 digits", "41 characters of rate", "a fraction of a penny"],
)
def test_a_contract_value_or_rate_beyond_the_bounds_is_refused_and_records_nothing(
    attack: Attack, contract_value: str, cquin_rate: str, field: str
) -> None:
    head = attack.head()

    answer = attack.post(
        "gill",
        f"/programmes/{attack.programme_id}/providers/{ACUTE_ID}/revisions",
        {"contract_value": contract_value, "cquin_rate": cquin_rate, "reason": "contract varied"},
    )

    assert refused_field(answer) == field
    assert attack.head() == head


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"numerator": "50"}, "denominator"),
        ({"numerator": "1E+999999999"}, "numerator"),
        ({"numerator": "1E+999999999", "denominator": "1E+999999999"}, "numerator"),
        ({"numerator": "0.5", "denominator": "12345678901234567890123456789012345678901"}, "denominator"),
        ({"denominator": "100"}, "numerator"),
    ],
    ids=["a rate without its denominator", "1E+999999999", "huge over huge", "41-digit denominator", "no numerator"],
)
def test_figures_a_rate_cannot_hold_are_refused_and_record_nothing(
    attack: Attack, figures: dict[str, str], field: str
) -> None:
    head = attack.head()

    answer = attack.post("colin", f"/schemes/{attack.scheme_id}/milestones/FLU/submissions", EVIDENCE | figures)

    assert refused_field(answer) == field
    assert attack.head() == head


def test_a_rate_of_fifty_cannot_force_met(attack: Attack) -> None:
    scheme = f"/schemes/{attack.scheme_id}"
    fifty = attack.post("colin", f"{scheme}/milestones/FLU/submissions", EVIDENCE | {"numerator": "50"})
    honest = attack.submitted("alice", "FLU", EVIDENCE | {"numerator": "50", "denominator": "100"})
    attack.post("alice", f"/submissions/{honest}/acceptance", {})
    attack.post("alice", f"{scheme}/quarters/Q1/pack", None)

    assessed = attack.post(
        "gill",
        f"{scheme}/quarters/Q1/assessments",
        {"provider_id": str(COMMUNITY_ID), "milestone_code": "FLU", "status": "Met", "rationale": "the figures say so"},
    )

    assert refused_field(fifty) == "denominator"
    assert assessed.status_code == 422 and assessed.json()["rule"] == "EvidenceNotInPack"


def test_a_milestone_due_after_the_contract_year_is_refused_naming_it(attack: Attack) -> None:
    head = attack.head()
    terms = {
        "code": "NUTRITION",
        "title": "Improve nutrition and hydration",
        "participants": [{"provider_id": str(ACUTE_ID)}],
        "milestones": [
            {"code": "PLAN", "title": "Joint action plan", "quarter": "Q1", "due": "2014-07-31"},
            {"code": "REPORT", "title": "Year-end report", "quarter": "Q4", "due": "2015-04-30"},
        ],
    }

    answer = attack.post("gill", f"/programmes/{attack.programme_id}/schemes", terms)

    assert refused_field(answer) == "milestones.1.due"
    assert "1 April 2014 to 31 March 2015" in answer.json()["detail"]
    assert attack.head() == head


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("revisions", EVIDENCE | {"reason": "x" * 4_001}, "reason"),
        ("revisions", EVIDENCE | {"narrative": "x" * 20_001, "reason": "longer"}, "narrative"),
        ("withdrawal", {"reason": "x" * 4_001}, "reason"),
        ("return", {"comments": "x" * 4_001}, "comments"),
    ],
    ids=["revision reason", "narrative", "withdrawal reason", "lead's comments"],
)
def test_over_long_text_about_evidence_is_refused_naming_its_field(
    attack: Attack, path: str, body: dict[str, Any], field: str
) -> None:
    submission = attack.submitted()
    head = attack.head()

    answer = attack.post("alice" if path == "return" else "colin", f"/submissions/{submission}/{path}", body)

    assert refused_field(answer) == field
    assert attack.head() == head


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "T" * 301}, "title"),
        (
            {"milestones": [{"code": "M1", "title": "M" * 301, "quarter": "Q1", "due": "2014-07-31"}]},
            "milestones.0.title",
        ),
        (
            {
                "milestones": [
                    {"code": "M1", "title": "Plan", "quarter": "Q1", "due": "2014-07-31"},
                    {
                        "code": "FLU",
                        "title": "Flu",
                        "quarter": "Q2",
                        "due": "2014-10-31",
                        "measure": {
                            "numerator": "vaccinated",
                            "denominator": "staff",
                            "minimum": "60",
                            "maximum": "80",
                        },
                    },
                ]
            },
            "milestones.1.measure.minimum",
        ),
        ({"participants": [{"provider_id": str(ACUTE_ID), "weight": "1E+1000000"}]}, "participants.0.weight"),
        ({"code": "SH\u0000"}, "code"),
    ],
    ids=["scheme title", "milestone title", "a rate's thresholds as percentages", "huge weight", "NUL in the code"],
)
def test_terms_beyond_the_limits_are_refused_naming_the_field_by_its_place_in_the_body(
    attack: Attack, change: dict[str, Any], field: str
) -> None:
    terms = {
        "code": "NUTRITION",
        "title": "Improve nutrition and hydration",
        "participants": [{"provider_id": str(ACUTE_ID)}],
        "milestones": [{"code": "M1", "title": "Plan", "quarter": "Q1", "due": "2014-07-31"}],
    } | change
    head = attack.head()

    answer = attack.post("gill", f"/programmes/{attack.programme_id}/schemes", terms)

    assert refused_field(answer) == field
    assert attack.head() == head


def test_a_lone_surrogate_in_json_is_refused_and_records_nothing(attack: Attack) -> None:
    head = attack.head()
    body = json.dumps(EVIDENCE | {"narrative": "audit \ud800 done"})  # ASCII: the surrogate travels as \ud800

    answer = attack.client.post(
        f"/api/v1/schemes/{attack.scheme_id}/milestones/M1/submissions",
        content=body,
        headers=attack.headers["colin"] | {"Content-Type": "application/json"},
    )

    assert refused_field(answer) == "narrative"
    assert attack.head() == head


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("nudges", {"provider_id": str(COMMUNITY_ID), "message": "due \u001b[2J now"}, "message"),
        ("query", {"questions": "where\u0000"}, "questions"),
    ],
    ids=["nudge with an escape code", "query with NUL"],
)
def test_a_control_character_in_a_quarters_text_is_refused(
    attack: Attack, path: str, body: dict[str, str], field: str
) -> None:
    presented = attack.submitted("alice")
    attack.post("alice", f"/submissions/{presented}/acceptance", {})
    attack.post("alice", f"/schemes/{attack.scheme_id}/quarters/Q1/pack", None)
    head = attack.head()

    answer = attack.post(
        "gill" if path == "query" else "alice", f"/schemes/{attack.scheme_id}/quarters/Q1/{path}", body
    )

    assert refused_field(answer) == field
    assert attack.head() == head


def test_a_health_economy_with_a_control_character_is_refused(attack: Attack) -> None:
    head = attack.head()

    answer = attack.post("gill", "/programmes", {"health_economy": "Torbay\u0007", "contract_year": 2015})

    assert refused_field(answer) == "health_economy"
    assert attack.head() == head


def test_a_disablement_reason_with_a_control_character_is_refused(attack: Attack) -> None:
    head = attack.head()

    answer = attack.post("root", "/users/gill/disablement", {"reason": "left\u0000"})

    assert refused_field(answer) == "reason"
    assert attack.head() == head


def test_a_control_character_sent_through_the_evidence_page_is_shown_against_the_narrative(attack: Attack) -> None:
    csrf = attack.client.post("/api/v1/auth/session", data={"username": "colin", "password": PASSWORD}).json()[
        "csrf_token"
    ]
    head = attack.head()
    attack.client.get("/api/v1/programmes", params={"after": head})  # the page reads the views: wait for them

    page = attack.client.post(
        f"/schemes/{attack.scheme_id}/milestones/M1/evidence",
        data={"csrf_token": csrf, "version": "0", "narrative": "Audit\u0000done"},
    )

    assert page.status_code == 422
    assert '<a href="#evidence-narrative">Narrative: contains the control character U+0000' in page.text
    assert attack.head() == head


def test_the_command_line_refuses_an_organisation_name_with_a_control_character(tmp_path: Path) -> None:
    env = {**os.environ, "CORRAL_DATABASE_URL": f"sqlite:///{tmp_path / 'corral.sqlite3'}", "COLUMNS": "200"}

    added = subprocess.run(
        [
            str(CORRAL),
            "organisations",
            "add",
            "RDUH",
            "--name",
            "Royal\x07Devon",
            "--kind",
            "provider",
            "--sector",
            "acute",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert added.returncode != 0
    assert "Name: contains the control character U+0007" in added.stdout
