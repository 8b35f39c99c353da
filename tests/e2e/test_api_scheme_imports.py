"""Import tests over HTTP: the commissioner downloads the template, fills it in and imports it, or sends the same rows
as JSON; a dry run drafts nothing, faults come as problem+json naming each one's place, and the template is no one
else's to see."""

from __future__ import annotations

from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain.actors import Role
from tests.builders import COMMISSIONER, COMMUNITY_ID, OPERATOR, quick_hash
from tests.e2e.test_api_set_up import ACUTE, COMMUNITY, PASSWORD, client, providers_registered, signed_in
from tests.integration.given import CONTRACT_YEAR, HEALTH_ECONOMY, event_count, provider_terms
from tests.workbooks import PARTICIPANTS, PLAN, SELFHARM, filled, valid

__all__ = ["client"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def programme(client: TestClient, settings: Settings) -> str:
    providers_registered(settings)
    app = build_application(settings)
    programme_id = app.set_up_programme(COMMISSIONER, HEALTH_ECONOMY, CONTRACT_YEAR).id
    for provider in (ACUTE, COMMUNITY):
        app.join_programme(COMMISSIONER, programme_id, provider_terms(UUID(provider)))
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    return str(programme_id)


def events(settings: Settings) -> int:
    app = build_application(settings)
    try:
        return event_count(app)
    finally:
        app.close()


def test_a_filled_in_template_is_checked_then_drafts_every_scheme(
    client: TestClient, settings: Settings, programme: str
) -> None:
    gill = signed_in(client, "gill")
    template = client.get(f"/api/v1/programmes/{programme}/scheme-template.xlsx", headers=gill)
    imports = f"/api/v1/programmes/{programme}/scheme-imports"
    workbook = {"file": ("schemes.xlsx", valid(template.content), XLSX)}
    before = events(settings)

    checked = client.post(imports, params={"dry_run": "true"}, files=workbook, headers=gill)
    unchanged = events(settings)
    imported = client.post(imports, files=workbook, headers=gill | {"If-Match": '"3"'})
    again = client.post(imports, files=workbook, headers=gill)

    assert template.status_code == 200 and template.headers["content-type"] == XLSX
    assert 'filename="South-Devon-and-Torbay-2014-15-schemes.xlsx"' in template.headers["content-disposition"]
    assert checked.status_code == 200 and [s["code"] for s in checked.json()["schemes"]] == ["SELFHARM", "NUTRITION"]
    assert unchanged == before
    assert imported.status_code == 201, imported.text
    assert imported.json()["id"] == programme and imported.headers["ETag"] == '"5"'
    assert [s["id"] for s in imported.json()["schemes"]] == [s["id"] for s in checked.json()["schemes"]]
    assert events(settings) == before + 4
    for scheme in imported.json()["schemes"]:
        assert client.get(f"/api/v1/schemes/{scheme['id']}", headers=gill).json()["status"] == "draft"
    assert again.status_code == 422 and again.headers["content-type"] == "application/problem+json"
    assert again.json()["errors"][0] == {
        "sheet": "Schemes",
        "row": 2,
        "column": None,
        "message": "this programme already has a scheme with code SELFHARM",
    }


def test_a_workbook_with_faults_is_refused_naming_each_place_and_records_nothing(
    client: TestClient, settings: Settings, programme: str
) -> None:
    gill = signed_in(client, "gill")
    template = client.get(f"/api/v1/programmes/{programme}/scheme-template.xlsx", headers=gill).content
    sixty = (*PLAN, None, None, "numeric", None, "staff vaccinated", "staff", 60, 80)
    workbook = filled(template, Schemes=[SELFHARM], Participants=PARTICIPANTS[:2], Milestones=[sixty])
    before = events(settings)

    refused = client.post(
        f"/api/v1/programmes/{programme}/scheme-imports", files={"file": ("s.xlsx", workbook, XLSX)}, headers=gill
    )

    assert refused.status_code == 422 and events(settings) == before
    assert [(e["sheet"], e["row"], e["column"]) for e in refused.json()["errors"]] == [("Milestones", 2, "Minimum")]
    assert refused.json()["detail"].startswith(
        "Milestones, row 2, column Minimum: must be a fraction from 0 to 1, not 60"
    )


def test_the_same_rows_as_json_are_refused_by_index_and_field_then_drafted(
    client: TestClient, settings: Settings, programme: str
) -> None:
    gill = signed_in(client, "gill")
    rows = {
        "schemes": [{"scheme_code": "SELFHARM", "title": "Reduce self-harm and suicide"}],
        "participants": [
            {"scheme_code": "SELFHARM", "provider": "ACUTE"},
            {"scheme_code": "SELFHARM", "provider": "COMMUNITY", "left_out": "Runs no service this scheme covers."},
        ],
        "milestones": [{"scheme_code": "SELFHARM", "code": "PLAN", "title": "Safety plan", "quarter": "Q1"}],
    }
    imports = f"/api/v1/programmes/{programme}/scheme-imports/rows"
    before = events(settings)

    refused = client.post(imports, json=rows, headers=gill)
    unchanged = events(settings)
    rows["milestones"][0]["due"] = "2014-07-31"
    checked = client.post(imports, params={"dry_run": "true"}, json=rows, headers=gill)
    imported = client.post(imports, json=rows, headers=gill)

    assert refused.status_code == 422 and unchanged == before
    assert refused.json()["errors"] == [
        {"sheet": "milestones", "index": 0, "field": "milestones.0.due", "message": "Field required"}
    ]
    assert checked.status_code == 200 and checked.json()["schemes"][0]["terms"]["milestones"][0]["due"] == "2014-07-31"
    assert imported.status_code == 201 and imported.json()["schemes"][0]["code"] == "SELFHARM"


def test_the_template_reads_to_anyone_else_as_an_unknown_programme_does(client: TestClient, programme: str) -> None:
    colin = signed_in(client, "colin")
    unknown = "00000000-0000-0000-0000-000000000000"

    theirs = client.get(f"/api/v1/programmes/{programme}/scheme-template.xlsx", headers=colin)
    none = client.get(f"/api/v1/programmes/{unknown}/scheme-template.xlsx", headers=colin)

    assert theirs.status_code == none.status_code == 404 and theirs.json()["detail"] == none.json()["detail"]
