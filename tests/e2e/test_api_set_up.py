"""Setting up over HTTP: a programme, a scheme drafted, led, signed and varied (organisations at the server)."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.actors import Role
from domain.organisation import OrganisationKind, Sector
from tests.builders import OPERATOR, COMMISSIONER_ID, quick_hash
from tests.e2e.serving import client_of

PASSWORD = "a long enough password"
ACUTE, COMMUNITY = str(ids.organisation_id("ACUTE")), str(ids.organisation_id("COMMUNITY"))
PRIVATE = str(ids.organisation_id("PRIVATE"))
TERMS = {
    "title": "Improve nutrition and hydration in care settings",
    "participants": [{"provider_id": ACUTE}, {"provider_id": COMMUNITY}],
    "milestones": [
        {"code": "PLAN", "title": "Joint action plan", "quarter": "Q1", "due": "2014-07-31"},
        {
            "code": "SCREEN",
            "title": "Patients screened within 24 hours",
            "quarter": "Q2",
            "due": "2014-10-31",
            "measure": {"numerator": "screened", "denominator": "admitted", "minimum": "0.80", "maximum": "0.95"},
        },
    ],
}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    signed = settings.model_copy(update={"secret_key": SecretStr("u" * 48), "embedded_projector": True})
    app = build_application(signed)
    app.register_organisation(OPERATOR, "CCG", "South Devon and Torbay CCG", OrganisationKind.COMMISSIONER, Sector.ICB)
    password_hash = quick_hash(PASSWORD)
    app.register_user(OPERATOR, "root", COMMISSIONER_ID, Role.ADMINISTRATOR, password_hash)
    app.register_user(OPERATOR, "gill", COMMISSIONER_ID, Role.COMMISSIONER, password_hash)
    with client_of(signed) as test_client:
        yield test_client
    app.close()


def providers_registered(settings: Settings) -> None:
    """The acute and community trusts, registered at the server by the platform operator."""
    app = build_application(settings)
    for code, name, sector in (
        ("ACUTE", "Torbay Acute Trust", Sector.ACUTE),
        ("COMMUNITY", "Devon Community Care Trust", Sector.COMMUNITY),
    ):
        app.register_organisation(OPERATOR, code, name, OrganisationKind.PROVIDER, sector)
    app.close()


def signed_in(client: TestClient, username: str) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def programme_joined(
    client: TestClient, gill: dict[str, str], *providers: str, contract_value: str = "100000000"
) -> str:
    """A South Devon and Torbay 2014/15 programme set up over HTTP, each provider joined at a 2.5% CQUIN rate."""
    programme = client.post(
        "/api/v1/programmes", json={"health_economy": "South Devon and Torbay", "contract_year": 2014}, headers=gill
    ).json()["id"]
    for provider in providers:
        body = {"provider_id": provider, "contract_value": contract_value, "cquin_rate": "0.025"}
        assert client.post(f"/api/v1/programmes/{programme}/providers", json=body, headers=gill).status_code == 200
    return str(programme)


def test_a_scheme_is_set_up_signed_by_every_party_and_varied_over_http(client: TestClient, settings: Settings) -> None:
    gill = signed_in(client, "gill")
    providers_registered(settings)
    app = build_application(settings)
    for username, organisation in (("alice", ACUTE), ("colin", COMMUNITY)):
        app.register_user(OPERATOR, username, UUID(organisation), Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    programme = programme_joined(client, gill, ACUTE, COMMUNITY)
    scheme = client.post(f"/api/v1/programmes/{programme}/schemes", json=TERMS | {"code": "NUTRITION"}, headers=gill)
    scheme_id = scheme.json()["id"]
    client.post(f"/api/v1/schemes/{scheme_id}/lead", json={"provider_id": ACUTE}, headers=gill)
    for headers in (signed_in(client, "alice"), signed_in(client, "colin"), gill):
        signed = client.post(f"/api/v1/schemes/{scheme_id}/signatures", json={"terms_version": 1}, headers=headers)
    progress = client.get(
        f"/api/v1/programmes/{programme}/progress", params={"after": signed.json()["position"]}, headers=gill
    )

    stale = client.post(f"/api/v1/schemes/{scheme_id}/signatures", json={"terms_version": 1}, headers=gill)
    variation = TERMS | {"reason": "no change"}
    outdated = client.post(
        f"/api/v1/schemes/{scheme_id}/variations", json=variation, headers=gill | {"If-Match": scheme.headers["ETag"]}
    )
    varied = client.post(
        f"/api/v1/schemes/{scheme_id}/variations", json=variation, headers=gill | {"If-Match": signed.headers["ETag"]}
    )
    unsigned = client.post(f"/api/v1/schemes/{scheme_id}/signatures", json={"terms_version": 1}, headers=gill)

    assert scheme.status_code == 201
    owed = ("not yet due", "awaiting evidence", "overdue")
    assert sum(progress.json()["counts"][status] for status in owed) == 4
    assert stale.status_code == 422 and stale.json()["rule"] == "NothingToSign"
    assert outdated.status_code == 412 and "reload" in outdated.json()["detail"]
    assert varied.status_code == 200 and varied.headers["ETag"] != signed.headers["ETag"]
    assert unsigned.status_code == 422 and unsigned.json()["rule"] == "StaleTerms"


def test_an_administrator_cannot_set_up_a_programme(client: TestClient, settings: Settings) -> None:
    refused = client.post(
        "/api/v1/programmes",
        json={"health_economy": "Torbay", "contract_year": 2014},
        headers=signed_in(client, "root"),
    )

    assert refused.status_code == 403
    assert refused.json()["rule"] == "NotPermitted"


def test_a_draft_is_read_with_its_version_amended_against_it_and_signed_against_the_new_one(
    client: TestClient, settings: Settings
) -> None:
    root, gill = signed_in(client, "root"), signed_in(client, "gill")
    providers_registered(settings)
    programme = programme_joined(client, gill, ACUTE, COMMUNITY)
    scheme_id = client.post(
        f"/api/v1/programmes/{programme}/schemes", json=TERMS | {"code": "NUTRITION"}, headers=gill
    ).json()["id"]
    client.post(f"/api/v1/schemes/{scheme_id}/lead", json={"provider_id": ACUTE}, headers=gill)

    read = client.get(f"/api/v1/schemes/{scheme_id}", headers=gill)
    amended_terms = TERMS | {"title": "Improve nutrition and hydration"}
    amendment = amended_terms | {"reason": "shorter title"}
    amended = client.post(
        f"/api/v1/schemes/{scheme_id}/amendments", json=amendment, headers=gill | {"If-Match": read.headers["ETag"]}
    )
    stale = client.post(
        f"/api/v1/schemes/{scheme_id}/signatures",
        json={"terms_version": 2},
        headers=gill | {"If-Match": read.headers["ETag"]},
    )
    signed = client.post(
        f"/api/v1/schemes/{scheme_id}/signatures",
        json={"terms_version": 2},
        headers=gill | {"If-Match": amended.headers["ETag"]},
    )
    revised = client.post(
        f"/api/v1/programmes/{programme}/providers/{ACUTE}/revisions",
        json={"contract_value": "120000000", "cquin_rate": "0.025", "reason": "contract varied"},
        headers=gill,
    )
    after = client.get(f"/api/v1/schemes/{scheme_id}", headers=gill).json()
    listed = client.get("/api/v1/organisations", params={"after": revised.json()["position"]}, headers=root)
    names = [o["name"] for o in listed.json()]

    assert read.status_code == 200 and read.json()["status"] == "draft" and read.json()["terms_version"] == 1
    assert read.json()["terms"]["milestones"][1]["measure"]["minimum"] == "0.80"
    assert read.json()["terms"]["milestones"][1]["measure"]["unit"] == "fraction"
    assert amended.status_code == 200 and stale.status_code == 412 and signed.status_code == 200
    assert revised.status_code == 200
    assert after["terms"]["title"] == amended_terms["title"] and after["signatures"] == {str(COMMISSIONER_ID): "gill"}
    assert {"Torbay Acute Trust", "Devon Community Care Trust", "South Devon and Torbay CCG"} <= set(names)


def _measured_in(measure: dict[str, str]) -> dict[str, object]:
    screened = TERMS["milestones"][1] | {"measure": {"numerator": "screened", "denominator": "admitted"} | measure}  # type: ignore[operator]
    return TERMS | {"code": "NUTRITION", "milestones": [TERMS["milestones"][0], screened]}  # type: ignore[index]


def test_thresholds_are_drafted_and_read_back_in_their_unit_and_a_percentage_typed_as_a_fraction_is_refused(
    client: TestClient, settings: Settings
) -> None:
    gill = signed_in(client, "gill")
    providers_registered(settings)
    programme = programme_joined(client, gill, ACUTE, COMMUNITY)
    schemes = f"/api/v1/programmes/{programme}/schemes"

    unitless = client.post(schemes, json=_measured_in({"minimum": "0.6", "maximum": "80"}), headers=gill)
    in_percent = client.post(
        schemes, json=_measured_in({"minimum": "60", "maximum": "80", "unit": "percent"}), headers=gill
    )
    read = client.get(f"/api/v1/schemes/{in_percent.json()['id']}", headers=gill).json()
    documented = client.get("/openapi.json").json()["components"]["schemas"]["MeasureIn"]["properties"]

    assert unitless.status_code == 422
    assert unitless.json()["errors"] == [
        {
            "field": "milestones.1.measure.maximum",
            "message": "must be a fraction from 0 to 1, not 80: to enter a percentage, give the unit as percent,"
            " or enter 0.8",
        }
    ]
    assert in_percent.status_code == 201
    measure = read["terms"]["milestones"][1]["measure"]
    assert (measure["minimum"], measure["maximum"], measure["unit"]) == ("60", "80", "percent")
    assert "percent" in documented["unit"]["description"]


def test_who_a_scheme_leaves_out_and_why_is_drafted_and_read_back_and_a_lead_comes_before_signatures(
    client: TestClient, settings: Settings
) -> None:
    gill = signed_in(client, "gill")
    providers_registered(settings)
    app = build_application(settings)
    app.register_organisation(OPERATOR, "PRIVATE", "Mount Stuart Hospital", OrganisationKind.PROVIDER)
    app.close()
    programme = programme_joined(client, gill, ACUTE, COMMUNITY, PRIVATE, contract_value="6000000")
    schemes = f"/api/v1/programmes/{programme}/schemes"
    reason = "Mount Stuart Hospital signs up only to the schemes relevant to its NHS patients."

    silent = client.post(schemes, json=TERMS | {"code": "NUTRITION"}, headers=gill)
    blank = TERMS | {"code": "NUTRITION", "exclusions": [{"provider_id": PRIVATE, "reason": " "}]}
    blank_reason = client.post(schemes, json=blank, headers=gill)
    drafted = client.post(
        schemes,
        json=TERMS | {"code": "NUTRITION", "exclusions": [{"provider_id": PRIVATE, "reason": reason}]},
        headers=gill,
    )
    read = client.get(f"/api/v1/schemes/{drafted.json()['id']}", headers=gill).json()
    unled = client.post(f"/api/v1/schemes/{drafted.json()['id']}/signatures", json={"terms_version": 1}, headers=gill)

    assert silent.status_code == 422 and silent.json()["rule"] == "ExclusionReasonMissing"
    assert silent.json()["detail"].startswith("Mount Stuart Hospital is in the programme but not in this scheme")
    assert blank_reason.status_code == 422 and blank_reason.json()["errors"][0]["field"] == "exclusions.0.reason"
    assert drafted.status_code == 201
    assert read["terms"]["exclusions"] == [{"provider_id": PRIVATE, "reason": reason}]
    assert unled.status_code == 422 and unled.json()["rule"] == "LeadNotDesignated"


def test_organisations_are_listed_with_their_sector_which_their_own_administrator_changes(
    client: TestClient, settings: Settings
) -> None:
    root, gill = signed_in(client, "root"), signed_in(client, "gill")
    providers_registered(settings)
    sector = f"/api/v1/organisations/{COMMISSIONER_ID}/sector"

    changed = client.post(sector, json={"sector": "nhs-england", "reason": "Specialised services moved."}, headers=root)
    listed = client.get("/api/v1/organisations", params={"after": changed.json()["position"]}, headers=gill).json()
    not_its_own = client.post(
        f"/api/v1/organisations/{ACUTE}/sector", json={"sector": "community", "reason": "Merged."}, headers=root
    )
    a_provider_sector = client.post(sector, json={"sector": "mental-health", "reason": "Wrong."}, headers=root)
    no_such_sector = client.post(sector, json={"sector": "hospital", "reason": "Wrong."}, headers=root)
    not_an_administrator = client.post(sector, json={"sector": "icb", "reason": "Back."}, headers=gill)

    assert changed.status_code == 200
    assert listed == [
        {"id": COMMUNITY, "name": "Devon Community Care Trust", "kind": "provider", "sector": "community"},
        {
            "id": str(COMMISSIONER_ID),
            "name": "South Devon and Torbay CCG",
            "kind": "commissioner",
            "sector": "nhs-england",
        },
        {"id": ACUTE, "name": "Torbay Acute Trust", "kind": "provider", "sector": "acute"},
    ]
    assert not_its_own.status_code == 403
    assert a_provider_sector.status_code == no_such_sector.status_code == 422
    assert a_provider_sector.json()["errors"][0]["field"] == no_such_sector.json()["errors"][0]["field"] == "sector"
    assert not_an_administrator.status_code == 403


def test_a_programme_is_continued_into_next_year_once_over_http_and_both_years_name_each_other(
    client: TestClient, settings: Settings
) -> None:
    gill = signed_in(client, "gill")
    providers_registered(settings)
    app = build_application(settings)
    app.register_user(OPERATOR, "alice", UUID(ACUTE), Role.PROVIDER, quick_hash(PASSWORD))
    app.close()
    programme = programme_joined(client, gill, ACUTE, COMMUNITY)
    scheme_id = client.post(f"/api/v1/programmes/{programme}/schemes", json=TERMS | {"code": "NUTRITION"}, headers=gill)
    client.post(f"/api/v1/schemes/{scheme_id.json()['id']}/lead", json={"provider_id": ACUTE}, headers=gill)

    refused = client.post(f"/api/v1/programmes/{programme}/continuation", headers=signed_in(client, "alice"))
    continued = client.post(f"/api/v1/programmes/{programme}/continuation", headers=gill)
    again = client.post(f"/api/v1/programmes/{programme}/continuation", json={}, headers=gill)

    assert refused.status_code == 403
    assert continued.status_code == 201, continued.text
    following = continued.json()["id"]
    assert (again.status_code, again.json()["rule"]) == (409, "ProgrammeAlreadyContinued")
    assert again.json()["detail"] == "This programme has already been continued into 2015/16"
    after = {"after": continued.json()["position"]}
    listed = {p["id"]: p for p in client.get("/api/v1/programmes", params=after, headers=gill).json()}
    assert (listed[programme]["continued_by"], listed[programme]["continues"]) == (following, None)
    assert (listed[following]["continues"], listed[following]["contract_year"]) == (programme, 2015)
    carried = client.get(f"/api/v1/schemes/{ids.scheme_id(UUID(following), 'NUTRITION')}", headers=gill).json()
    assert carried["status"] == "draft" and carried["terms"]["milestones"][1]["due"] == "2015-10-31"
