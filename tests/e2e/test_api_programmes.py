"""Reading programmes over HTTP: each organisation sees what DOMAIN.md lets it see, and no more."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from uuid import UUID

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.cli.demo import south_devon, trust_year
from domain import ids
from tests.conftest import DATABASES
from tests.e2e.serving import demo_signed_in as signed_in, serving_demo
from tests.integration.test_demo_data import EXPECTED_2017

PROGRAMME = str(ids.programme_id(ids.organisation_id(south_devon.CCG), south_devon.HEALTH_ECONOMY, south_devon.YEAR))
ACUTE = str(ids.organisation_id(south_devon.ACUTE))
PRIVATE = str(ids.organisation_id(south_devon.PRIVATE))


@pytest.fixture(scope="module", params=DATABASES)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A server over the demo, projecting in its own process, shared by this module's read-only tests."""
    with serving_demo(request, tmp_path_factory.mktemp("api"), "s") as served:
        yield served


def test_the_commissioner_sees_every_scheme_and_every_providers_money(client: TestClient) -> None:
    headers = signed_in(client, "sdt-ccg.quality")

    programmes = client.get("/api/v1/programmes", headers=headers).json()
    progress = client.get(f"/api/v1/programmes/{PROGRAMME}/progress", headers=headers).json()
    payments = client.get(f"/api/v1/programmes/{PROGRAMME}/payments", headers=headers).json()

    assert [p["health_economy"] for p in programmes] == ["South Devon and Torbay"]
    assert len(progress["schemes"]) == 6 and len(progress["providers"]) == 6
    assert progress["counts"]["Met"] == 29 and progress["counts"]["Partially Met"] == 7
    assert len(payments["providers"]) == 6
    acute = next(p for p in payments["providers"] if p["provider_id"] == ACUTE)
    assert (acute["total"]["available"], acute["total"]["earned"], acute["total"]["at_risk"]) == (
        "1312500.00",
        "1275000.00",
        "3187500.00",
    )
    assert payments["total"]["shortfall"] == "43750.00"


def test_a_provider_sees_progress_only_of_the_schemes_it_joined_and_only_its_own_money(client: TestClient) -> None:
    headers = signed_in(client, "msh.quality")

    progress = client.get(f"/api/v1/programmes/{PROGRAMME}/progress", headers=headers).json()
    payments = client.get(f"/api/v1/programmes/{PROGRAMME}/payments", headers=headers).json()

    assert len(progress["schemes"]) == 4
    assert {c["scheme_id"] for c in progress["cells"]} == {s["id"] for s in progress["schemes"]}
    assert [p["provider_id"] for p in payments["providers"]] == [PRIVATE]
    assert payments["total"] is None


def test_the_auditor_reads_everything_and_the_administrator_no_programme(client: TestClient) -> None:
    audited = client.get(f"/api/v1/programmes/{PROGRAMME}/payments", headers=signed_in(client, "sdt-ccg.auditor"))
    admin = signed_in(client, "sdt-ccg.admin")

    assert len(audited.json()["providers"]) == 6
    assert client.get("/api/v1/programmes", headers=admin).json() == []
    assert client.get(f"/api/v1/programmes/{PROGRAMME}/progress", headers=admin).status_code == 404


def test_another_commissioner_cannot_learn_the_programme_exists(client: TestClient) -> None:
    answer = client.get(f"/api/v1/programmes/{PROGRAMME}/progress", headers=signed_in(client, "local-ccg.quality"))

    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["rule"] == "NotFound"


def test_reading_without_signing_in_is_refused_as_a_problem(client: TestClient) -> None:
    answer = client.get(f"/api/v1/programmes/{PROGRAMME}/progress")

    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["title"] == "Not signed in"


SELF_HARM = str(ids.scheme_id(UUID(PROGRAMME), "SELF-HARM"))


def test_the_collation_board_is_for_the_scheme_s_lead_and_the_commissioner_only(client: TestClient) -> None:
    url = f"/api/v1/schemes/{SELF_HARM}/quarters/Q2/board"

    lead = client.get(url, headers=signed_in(client, "dpt.quality"))
    commissioner = client.get(url, headers=signed_in(client, "sdt-ccg.quality"))
    neighbour = client.get(url, headers=signed_in(client, "sdhft.quality"))

    assert lead.status_code == commissioner.status_code == 200
    assert neighbour.status_code == 404
    board = lead.json()
    assert len(board["participants"]) == 5 and board["ready_to_present"] is False
    returned = [p for p in board["participants"] if any(m["status"] == "returned" for m in p["milestones"])]
    assert [p["name"] for p in returned] == ["Torbay and Southern Devon Health and Care NHS Trust"]


def test_a_provider_reads_its_own_dashboard_and_no_one_else_s(client: TestClient) -> None:
    headers = signed_in(client, "sdhft.quality")

    own = client.get(f"/api/v1/providers/{ACUTE}/dashboard", headers=headers)
    other = client.get(f"/api/v1/providers/{PRIVATE}/dashboard", headers=headers)

    assert own.status_code == 200 and other.status_code == 404
    [programme] = own.json()
    dues = [m["due"] for m in programme["milestones"]]
    assert dues == sorted(dues) and len(dues) == 24
    assert programme["money"]["earned"] == "1275000.00"


def test_the_audit_trail_pages_for_the_commissioner_and_the_auditor_and_not_for_providers(client: TestClient) -> None:
    url = f"/api/v1/programmes/{PROGRAMME}/audit"
    commissioner = signed_in(client, "sdt-ccg.quality")

    first = client.get(url, params={"limit": 10}, headers=commissioner).json()
    second = client.get(url, params={"limit": 10, "before": first["next_before"]}, headers=commissioner).json()
    acute = client.get(url, params={"provider_id": ACUTE, "limit": 1000}, headers=signed_in(client, "sdt-ccg.auditor"))
    provider = client.get(url, headers=signed_in(client, "dpt.quality"))

    positions = [e["position"] for e in first["entries"] + second["entries"]]
    assert positions == sorted(positions, reverse=True) and len(set(positions)) == 20
    assert acute.status_code == 200 and all(e["provider_id"] == ACUTE for e in acute.json()["entries"])
    assert provider.status_code == 404


def test_exports_hold_exactly_the_rows_shown_to_the_reader(client: TestClient) -> None:
    commissioner, private = signed_in(client, "sdt-ccg.quality"), signed_in(client, "msh.quality")
    shown = client.get(f"/api/v1/programmes/{PROGRAMME}/progress", headers=commissioner).json()

    as_csv = client.get(f"/api/v1/programmes/{PROGRAMME}/progress.csv", headers=commissioner)
    as_xlsx = client.get(f"/api/v1/programmes/{PROGRAMME}/progress.xlsx", headers=commissioner)
    own_money = client.get(f"/api/v1/programmes/{PROGRAMME}/payments.csv", headers=private)

    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert rows[0] == ["Scheme", "Provider", "Quarter", "Status"] and len(rows) - 1 == len(shown["cells"])
    assert [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)] == rows
    assert as_csv.headers["content-disposition"] == 'attachment; filename="South-Devon-and-Torbay-2014-15-progress.csv"'
    money = list(csv.reader(io.StringIO(own_money.content.decode("utf-8-sig"))))
    assert [row[0] for row in money[1:]] == ["Mount Stuart Hospital"]


def test_the_trust_s_quarter_table_exports_in_the_seed_s_shape(client: TestClient) -> None:
    local = trust_year.programme_id(trust_year.LOCAL, 2017)
    trust = ids.organisation_id(trust_year.TRUST)

    exported = client.get(
        f"/api/v1/programmes/{local}/providers/{trust}/quarters.csv", headers=signed_in(client, "local-ccg.quality")
    )

    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["Indicator", "Q1", "Q2", "Q3", "Q4"]
    assert [tuple(r) for r in rows[1:]] == [tuple(r) for r in EXPECTED_2017[: len(trust_year.LOCAL_2017)]]


def test_the_audit_export_is_the_whole_trail_oldest_first_and_only_for_the_commissioner(client: TestClient) -> None:
    exported = client.get(f"/api/v1/programmes/{PROGRAMME}/audit.csv", headers=signed_in(client, "sdt-ccg.auditor"))
    refused = client.get(f"/api/v1/programmes/{PROGRAMME}/audit.csv", headers=signed_in(client, "dpt.quality"))

    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    positions = [int(r[0]) for r in rows[1:]]
    assert positions == sorted(positions) and len(positions) > 100
    assert refused.status_code == 404


def test_the_audit_trail_and_its_export_name_each_person_beside_their_username(client: TestClient) -> None:
    auditor = signed_in(client, "sdt-ccg.auditor")

    page = client.get(f"/api/v1/programmes/{PROGRAMME}/audit", params={"user": "dpt.quality"}, headers=auditor).json()
    exported = client.get(f"/api/v1/programmes/{PROGRAMME}/audit.csv", headers=auditor)

    entry = page["entries"][0]
    assert (entry["actor_user_id"], entry["actor_display_name"]) == ("dpt.quality", "Priya Shah")
    assert entry["actor_name"] == "Priya Shah (dpt.quality)"
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {r["actor_name"] for r in rows if r["actor_user_id"] == "dpt.quality"} == {"Priya Shah (dpt.quality)"}


SELF_HARM = str(ids.scheme_id(UUID(PROGRAMME), "SELF-HARM"))


@pytest.mark.parametrize(
    "filters",
    [
        {"scheme_id": SELF_HARM},
        {"provider_id": ACUTE},
        {"quarter": "Q1"},
        {"user": "dpt.quality"},
        {"scheme_id": SELF_HARM, "quarter": "Q2", "user": "dpt.quality"},
        {"since": "2000-01-01T00:00:00Z", "until": "2000-01-02T00:00:00Z"},
    ],
)
def test_the_audit_export_keeps_exactly_the_entries_the_same_filters_keep_in_the_json_trail(
    client: TestClient, filters: dict[str, str]
) -> None:
    auditor = signed_in(client, "sdt-ccg.auditor")
    url = f"/api/v1/programmes/{PROGRAMME}/audit"

    shown = client.get(url, params=filters | {"limit": 1000}, headers=auditor).json()["entries"]
    exported = client.get(f"{url}.csv", params=filters, headers=auditor)

    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert exported.status_code == 200
    assert [int(r["position"]) for r in rows] == [e["position"] for e in reversed(shown)]
    assert len(rows) < len(client.get(f"{url}.csv", headers=auditor).content.splitlines()) - 1


def download(client: TestClient, path: str, username: str = "sdt-ccg.quality") -> tuple[str, bytes]:
    """A download's file name and content."""
    answer = client.get(f"/api/v1/programmes/{path}", headers=signed_in(client, username))
    assert answer.status_code == 200, answer.text
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.isascii()
    return disposition.removeprefix('attachment; filename="').removesuffix('"'), answer.content


def test_every_download_is_named_for_what_it_holds_from_the_programme_provider_and_year(client: TestClient) -> None:
    local = trust_year.programme_id(trust_year.LOCAL, 2017)
    trust = ids.organisation_id(trust_year.TRUST)

    names = [
        download(client, f"{PROGRAMME}/progress.csv")[0],
        download(client, f"{PROGRAMME}/payments.xlsx")[0],
        download(client, f"{PROGRAMME}/audit.csv", "sdt-ccg.auditor")[0],
        download(client, f"{local}/providers/{trust}/quarters.xlsx", "mht.quality")[0],
    ]

    assert names == [
        "South-Devon-and-Torbay-2014-15-progress.csv",
        "South-Devon-and-Torbay-2014-15-payments.xlsx",
        "South-Devon-and-Torbay-2014-15-audit.csv",
        "MHT-2017-18-Q1-Q4.xlsx",
    ]


def test_a_workbook_has_a_titled_sheet_a_bold_frozen_header_row_and_columns_as_wide_as_their_text(
    client: TestClient,
) -> None:
    local = trust_year.programme_id(trust_year.LOCAL, 2017)
    trust = ids.organisation_id(trust_year.TRUST)
    _, payments = download(client, f"{PROGRAMME}/payments.xlsx")
    _, quarters = download(client, f"{local}/providers/{trust}/quarters.xlsx", "mht.quality")

    money, table = (openpyxl.load_workbook(io.BytesIO(body)).active for body in (payments, quarters))

    assert (money.title, table.title) == ("Payments 2014-15", "MHT 2017-18 Q1-Q4")
    for sheet in (money, table):
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1]) and not any(cell.font.bold for cell in sheet[2])
    for column in "ABCDE":
        longest = max(len(str(cell.value or "")) for cell in table[column])
        assert table.column_dimensions[column].width == min(longest + 2, 60)
    assert table.column_dimensions["A"].width == 60  # the longest indicator's title is longer still


def test_the_trust_sees_each_programme_by_a_name_of_its_own_with_its_commissioner_in_year_then_name_order(
    client: TestClient,
) -> None:
    programmes = client.get("/api/v1/programmes", headers=signed_in(client, "mht.quality")).json()

    shown = [(p["contract_year"], p["health_economy"], p["commissioner"]) for p in programmes]
    assert len(set(shown)) == len(shown) == 4
    assert shown == sorted(shown, key=lambda s: (s[0], s[1].casefold()))
    assert {(name, commissioner) for _, name, commissioner in shown} == {
        ("Local CCG CQUINs for the mental health trust", "Local clinical commissioning group (seed 000)"),
        ("NHS England Specialised CQUINs", "NHS England Specialised Commissioning"),
    }
