"""Money per scheme over HTTP: one scheme's figures read from the payments to the penny, adding up to the totals,
each reader seeing only the money DOMAIN.md lets them see; the exports hold numbers Excel can SUM."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Context, Decimal, localcontext
from typing import Any
from uuid import UUID

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.cli.demo import south_devon
from domain import ids
from tests.conftest import DATABASES
from tests.e2e.serving import demo_signed_in as signed_in, serving_demo

PROGRAMME = str(ids.programme_id(ids.organisation_id(south_devon.CCG), south_devon.HEALTH_ECONOMY, south_devon.YEAR))
ACUTE = str(ids.organisation_id(south_devon.ACUTE))
PRIVATE = str(ids.organisation_id(south_devon.PRIVATE))
FIGURES = ("available", "earned", "shortfall", "at_risk")


@pytest.fixture(scope="module", params=DATABASES)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A server over the demo, shared by this module's read-only tests."""
    with serving_demo(request, tmp_path_factory.mktemp("money"), "m") as served:
        yield served


def payments(client: TestClient, username: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/programmes/{PROGRAMME}/payments", headers=signed_in(client, username))
    assert answer.status_code == 200, answer.text
    paid: dict[str, Any] = answer.json()
    return paid


def added(amounts: Iterable[str]) -> Decimal:
    """Exact amounts added without rounding (Python's default context would keep only 28 digits)."""
    with localcontext(Context(prec=100)):
        return sum((Decimal(a) for a in amounts), Decimal(0))


def nutrition(schemes: list[dict[str, Any]]) -> dict[str, Any]:
    [scheme] = [s for s in schemes if s["code"] == "NUTRITION"]
    return scheme


def test_the_commissioner_reads_the_nutrition_schemes_money_to_the_penny(client: TestClient) -> None:
    paid = payments(client, "sdt-ccg.quality")

    scheme = nutrition(paid["schemes"])

    # Q1: every provider's milestone assessed, all Met but the third sector's, Partially Met (half); Q2: the mental
    # health trust's Met and the acute trust's 92% on a scale of 80% to 95% (0.8). Each provider's CQUIN value (2.5%
    # of its contract) is split equally across its schemes, then across the scheme's four milestones:
    acute, community, ambulance, mental, third, private = (
        Decimal(value) * Decimal("0.025") / schemes / 4
        for value, schemes in ((180e6, 6), (130e6, 6), (40e6, 6), (75e6, 6), (2e6, 6), (6e6, 4))
    )
    q1 = acute + community + ambulance + mental + third + private
    available = q1 + acute + mental
    earned = q1 - third / 2 + acute * Decimal("0.8") + mental
    assert scheme["title"] == "Improve nutrition and hydration in care settings"
    assert [scheme["total"][f] for f in FIGURES] == ["719791.67", "681250.00", "38541.67", "1096875.00"]
    assert Decimal(scheme["total"]["available"]) == round(available, 2)
    assert Decimal(scheme["total"]["earned"]) == round(earned, 2)
    assert scheme["total"]["achieved_percent"] == "94.65"
    assert abs(Decimal(scheme["total"]["exact"]["shortfall"]) - (available - earned)) < Decimal("1e-20")
    assert (
        scheme["by_quarter"]["Q2"]["available"] == "265625.00" and scheme["by_quarter"]["Q2"]["earned"] == "228125.00"
    )


def test_a_providers_schemes_add_up_exactly_to_its_total_and_the_schemes_to_the_programmes(client: TestClient) -> None:
    paid = payments(client, "sdt-ccg.quality")

    for provider in paid["providers"]:
        for figure in FIGURES:
            schemes = added(s["total"]["exact"][figure] for s in provider["by_scheme"])
            assert schemes == Decimal(provider["total"]["exact"][figure])
            for s in provider["by_scheme"]:
                quarters = added(m["exact"][figure] for m in s["by_quarter"].values())
                assert quarters == Decimal(s["total"]["exact"][figure])
    for figure in FIGURES:
        assert added(s["total"]["exact"][figure] for s in paid["schemes"]) == Decimal(paid["total"]["exact"][figure])
    [acute] = [p for p in paid["providers"] if p["provider_id"] == ACUTE]
    own = nutrition(acute["by_scheme"])["total"]
    assert [own[f] for f in FIGURES] == ["375000.00", "337500.00", "37500.00", "375000.00"]
    assert own["achieved_percent"] == "90.00"


def test_a_provider_reads_only_its_own_money_in_each_scheme(client: TestClient) -> None:
    paid = payments(client, "msh.quality")

    [own] = paid["providers"]
    scheme = nutrition(paid["schemes"])

    assert own["provider_id"] == PRIVATE and paid["total"] is None
    assert [s["code"] for s in paid["schemes"]] == [s["code"] for s in own["by_scheme"]]
    assert len(paid["schemes"]) == 4 and scheme == nutrition(own["by_scheme"])
    assert (scheme["total"]["available"], scheme["total"]["at_risk"]) == ("9375.00", "28125.00")


def test_the_third_sector_incidents_restatement_is_carried_in_its_scheme(client: TestClient) -> None:
    paid = payments(client, "sdt-ccg.quality")

    third = str(ids.organisation_id(south_devon.THIRD_SECTOR))
    [provider] = [p for p in paid["providers"] if p["provider_id"] == third]
    restated = {s["code"]: s for s in provider["by_scheme"] if s["restated_total"] is not None}

    assert list(restated) == ["INCIDENTS"]
    assert restated["INCIDENTS"]["difference"]["earned"] == provider["difference"]["earned"] == "1041.67"


def test_the_payments_workbook_holds_money_as_pounds_excel_can_sum(client: TestClient) -> None:
    headers = signed_in(client, "sdt-ccg.quality")
    answer = client.get(f"/api/v1/programmes/{PROGRAMME}/payments.xlsx", headers=headers)

    workbook = openpyxl.load_workbook(io.BytesIO(answer.content))
    providers, by_scheme = workbook.worksheets

    assert by_scheme.title == "By scheme"
    headings = [c.value for c in by_scheme[1]]
    available, achieved = headings.index("Available") + 1, headings.index("% achieved") + 1
    for row in providers.iter_rows(min_row=2):
        total = row[2]
        assert isinstance(total.value, float | int) and total.number_format == '"£"#,##0.00'
        parts = [r for r in by_scheme.iter_rows(min_row=2) if r[0].value == row[0].value]
        assert len(parts) > 4 and all(r[available - 1].number_format == '"£"#,##0.00' for r in parts)
        # What =SUM() of the provider's scheme-quarter rows gives: its total, to the penny.
        assert round(sum(Decimal(str(r[available - 1].value)) for r in parts), 2) == Decimal(str(total.value))
    assert by_scheme.cell(2, achieved).number_format == "0.00%"
    assert providers.cell(2, 7).number_format == "0.00%" and isinstance(providers.cell(2, 7).value, float | int)


def test_the_by_scheme_csv_holds_plain_numbers_that_add_up_to_each_providers_total(client: TestClient) -> None:
    headers = signed_in(client, "msh.quality")

    by_scheme = client.get(f"/api/v1/programmes/{PROGRAMME}/payments-by-scheme.csv", headers=headers)
    totals = client.get(f"/api/v1/programmes/{PROGRAMME}/payments.csv", headers=headers)

    rows = list(csv.DictReader(io.StringIO(by_scheme.content.decode("utf-8-sig"))))
    [total] = list(csv.DictReader(io.StringIO(totals.content.decode("utf-8-sig"))))
    assert {r["Provider"] for r in rows} == {"Mount Stuart Hospital"} and len(rows) == 16
    assert sum(Decimal(r["Earned"]) for r in rows) == Decimal(total["Earned"]) == Decimal("37500.00")
    assert [r["Available"] for r in rows if r["Scheme code"] == "NUTRITION"] == ["9375.00", "0.00", "0.00", "0.00"]


def test_one_schemes_payments_read_alone_match_the_programmes_for_the_commissioner_and_a_participant(
    client: TestClient,
) -> None:
    scheme_id = str(ids.scheme_id(UUID(PROGRAMME), "NUTRITION"))
    commissioner, private = signed_in(client, "sdt-ccg.quality"), signed_in(client, "msh.quality")

    whole = client.get(f"/api/v1/schemes/{scheme_id}/payments", headers=commissioner).json()
    own = client.get(f"/api/v1/schemes/{scheme_id}/payments", headers=private).json()
    left_out = client.get(f"/api/v1/schemes/{ids.scheme_id(UUID(PROGRAMME), 'SELF-HARM')}/payments", headers=private)

    assert (whole["code"], whole["programme_id"]) == ("NUTRITION", PROGRAMME)
    assert whole["total"] == nutrition(payments(client, "sdt-ccg.quality")["schemes"])["total"]
    assert [whole["total"][f] for f in FIGURES] == ["719791.67", "681250.00", "38541.67", "1096875.00"]
    assert len(whole["providers"]) == 6
    assert added(p["total"]["exact"]["earned"] for p in whole["providers"]) == Decimal(
        whole["total"]["exact"]["earned"]
    )
    assert [p["provider_id"] for p in own["providers"]] == [PRIVATE] and own["total"]["available"] == "9375.00"
    assert left_out.status_code == 404
