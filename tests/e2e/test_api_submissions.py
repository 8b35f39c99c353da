"""Evidence over HTTP: submit, read, revise with If-Match, retry with an Idempotency-Key, review by the lead."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import ACUTE_ID, OPERATOR, COMMISSIONER_ID, COMMUNITY_ID, PRIVATE_ID, quick_hash
from tests.e2e.serving import client_of
from tests.integration.given import agreed_scheme

PASSWORD = "a long enough password"
EVIDENCE = {"narrative": "Safety plans audited for 40 patients.", "attachments": []}


@dataclass
class Api:
    client: TestClient
    scheme_id: UUID
    headers: dict[str, dict[str, str]]

    def submit(self, user: str, body: dict[str, object], key: str | None = None) -> httpx.Response:
        headers = self.headers[user] | ({"Idempotency-Key": key} if key else {})
        return self.client.post(
            f"/api/v1/schemes/{self.scheme_id}/milestones/M1/submissions", json=body, headers=headers
        )


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    signed = settings.model_copy(update={"secret_key": SecretStr("k" * 48)})
    app = build_application(signed)
    scheme_id = agreed_scheme(app).scheme_id  # ACUTE leads; ACUTE and COMMUNITY take part
    password_hash = quick_hash(PASSWORD)
    users = {"alice": (ACUTE_ID, Role.PROVIDER), "colin": (COMMUNITY_ID, Role.PROVIDER)}
    users |= {"priya": (PRIVATE_ID, Role.PROVIDER), "gill": (COMMISSIONER_ID, Role.COMMISSIONER)}
    for username, (organisation_id, role) in users.items():
        app.register_user(OPERATOR, username, organisation_id, role, password_hash)
    app.close()
    with client_of(signed) as client:
        headers = {}
        for username in users:
            token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
            headers[username] = {"Authorization": f"Bearer {token['access_token']}"}
        yield Api(client, scheme_id, headers)


def test_evidence_is_read_in_full_by_its_provider_the_lead_and_the_commissioner_and_by_no_one_else(api: Api) -> None:
    submitted = api.submit("colin", EVIDENCE)
    location = f"/api/v1/submissions/{submitted.json()['id']}"

    readers = {
        user: api.client.get(location, headers=api.headers[user]) for user in ("colin", "alice", "gill", "priya")
    }

    assert submitted.status_code == 201 and submitted.headers["ETag"] == '"1"'
    assert {user: answer.status_code for user, answer in readers.items()} == {
        "colin": 200,
        "alice": 200,
        "gill": 200,
        "priya": 404,
    }
    assert readers["alice"].json()["evidence"]["narrative"] == EVIDENCE["narrative"]


def test_a_retried_submission_with_the_same_key_acts_once_and_returns_the_first_answer(api: Api) -> None:
    first = api.submit("colin", EVIDENCE, key="colin-m1-1")
    again = api.submit("colin", EVIDENCE, key="colin-m1-1")
    other = api.submit("colin", EVIDENCE | {"narrative": "something else"}, key="colin-m1-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422


def test_a_revision_against_a_stale_version_is_refused_with_412(api: Api) -> None:
    submission = api.submit("colin", EVIDENCE).json()["id"]
    revision = EVIDENCE | {"reason": "added the August audit"}
    url = f"/api/v1/submissions/{submission}/revisions"

    fresh = api.client.post(url, json=revision, headers=api.headers["colin"] | {"If-Match": '"1"'})
    stale = api.client.post(url, json=revision, headers=api.headers["colin"] | {"If-Match": '"1"'})

    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
    assert stale.status_code == 412
    assert stale.json()["rule"] == "StaleVersion"


def test_the_lead_returns_evidence_with_comments_the_provider_reads_them_and_a_neighbour_may_not_act(
    api: Api,
) -> None:
    submission = api.submit("colin", EVIDENCE).json()["id"]
    comments = {"comments": "Please attach the July to September audit."}

    returned = api.client.post(f"/api/v1/submissions/{submission}/return", json=comments, headers=api.headers["alice"])
    seen = api.client.get(f"/api/v1/submissions/{submission}", headers=api.headers["colin"]).json()
    meddled = api.client.post(f"/api/v1/submissions/{submission}/acceptance", json={}, headers=api.headers["priya"])
    self_accepted = api.client.post(
        f"/api/v1/submissions/{submission}/acceptance", json={}, headers=api.headers["colin"]
    )

    assert returned.status_code == 200
    assert (seen["status"], seen["lead_comments"]) == ("returned", comments["comments"])
    assert meddled.status_code == 404 and self_accepted.status_code == 403


@pytest.mark.parametrize(
    "body,field",
    [({"narrative": ""}, None), ({"numerator": "many"}, "numerator"), ({"attachments": [{"sha256": "x"}]}, None)],
)
def test_bad_evidence_is_refused_with_a_problem_naming_what_is_wrong(
    api: Api, body: dict[str, object], field: str | None
) -> None:
    refused = api.submit("colin", body)

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    if field:
        assert field in [e["field"] for e in refused.json()["errors"]]


def test_malformed_json_is_refused_and_records_nothing(api: Api) -> None:
    refused = api.client.post(
        f"/api/v1/schemes/{api.scheme_id}/milestones/M1/submissions",
        content=b"{not json",
        headers=api.headers["colin"] | {"Content-Type": "application/json"},
    )

    assert refused.status_code == 422
    assert api.submit("colin", EVIDENCE).status_code == 201


def test_a_provider_that_neither_owns_nor_leads_learns_nothing_of_a_submission_even_by_acting_on_it(api: Api) -> None:
    submission_id = api.submit("colin", EVIDENCE).json()["id"]
    actions = {
        "revisions": {"evidence": EVIDENCE, "reason": "mine now"},
        "withdrawal": {"reason": "gone"},
        "acceptance": {"comments": ""},
        "return": {"comments": "no"},
    }

    answers = {
        action: api.client.post(
            f"/api/v1/submissions/{submission_id}/{action}", json=body, headers=api.headers["priya"]
        )
        for action, body in actions.items()
    }
    unknown_id = "00000000-0000-0000-0000-000000000000"
    unknown = api.client.post(f"/api/v1/submissions/{unknown_id}/acceptance", json={}, headers=api.headers["priya"])

    assert {action: answer.status_code for action, answer in answers.items()} == dict.fromkeys(actions, 404)
    assert answers["acceptance"].json()["detail"].replace(submission_id, unknown_id) == unknown.json()["detail"]
    assert api.client.get(f"/api/v1/submissions/{submission_id}", headers=api.headers["colin"]).json()["version"] == 1
