"""Forecast and what-if over HTTP on the demo: the scenarios bracket the money, each reader sees only the money
DOMAIN.md lets them see, a provider may not ask about another's money, and asking records nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.cli.demo import south_devon
from api.http.passwords import DEMO_PASSWORD
from domain import ids
from tests.conftest import DATABASES
from tests.e2e.serving import demo_signed_in as signed_in, serving_demo
from tests.integration.given import event_count
from tests.integration.read_models import Rows, Views

PROGRAMME_ID = ids.programme_id(ids.organisation_id(south_devon.CCG), south_devon.HEALTH_ECONOMY, south_devon.YEAR)
PROGRAMME = str(PROGRAMME_ID)
ACUTE = str(ids.organisation_id(south_devon.ACUTE))
PRIVATE = str(ids.organisation_id(south_devon.PRIVATE))
NUTRITION = str(ids.scheme_id(PROGRAMME_ID, "NUTRITION"))
WHAT_IF = f"/api/v1/programmes/{PROGRAMME}/what-if"
COMMISSIONER, ACUTE_USER = "sdt-ccg.quality", "sdhft.quality"


@pytest.fixture(scope="module", params=DATABASES)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A server over the demo, shared by this module's tests, none of which records anything."""
    with serving_demo(request, tmp_path_factory.mktemp("forecast"), "f") as served:
        yield served


def forecast(client: TestClient, username: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/programmes/{PROGRAMME}/forecast", headers=signed_in(client, username))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def ask(client: TestClient, username: str, *changes: dict[str, str]) -> Any:
    return client.post(WHAT_IF, json={"changes": list(changes)}, headers=signed_in(client, username))


def recorded(client: TestClient) -> tuple[int, Rows]:
    """How many events the store holds, and every row of every view."""
    state = client.app.state  # type: ignore[attr-defined]
    return event_count(state.corral), Views(state.view_database, state.views).rows()


def earned(money: dict[str, Any]) -> Decimal:
    return Decimal(money["exact"]["earned"])


def test_given_the_demo_when_the_commissioner_reads_the_forecast_then_every_quarter_is_bracketed_by_the_scenarios(
    client: TestClient,
) -> None:
    found = forecast(client, COMMISSIONER)

    assert found["rules_version"] == "standard-1" and found["total"] is not None
    assert [s["name"] for s in found["scenarios"]] == ["all_met", "so_far", "none_met", "figures_carried"]
    assert len(found["providers"]) == len(south_devon.EVERYONE)
    for provider in found["providers"]:
        for quarter, outlook in provider["by_quarter"].items():
            s = {name: earned(money) for name, money in outlook["scenarios"].items()}
            assert s["none_met"] <= earned(outlook["actual"]) <= s["all_met"], (provider["provider_id"], quarter)
            assert (
                s["none_met"] <= s["so_far"] <= s["all_met"] and s["none_met"] <= s["figures_carried"] <= s["all_met"]
            )
        # Q1 is closed: no scenario changes it.
        q1 = provider["by_quarter"]["Q1"]
        assert {earned(m) for m in q1["scenarios"].values()} == {earned(q1["actual"])}


def test_given_a_provider_when_it_reads_the_forecast_then_it_sees_its_own_money_and_no_programme_total(
    client: TestClient,
) -> None:
    found = forecast(client, ACUTE_USER)

    assert [p["provider_id"] for p in found["providers"]] == [ACUTE] and found["total"] is None


def test_given_an_open_quarter_when_the_acute_trust_supposes_its_q3_nutrition_met_then_only_that_money_moves(
    client: TestClient,
) -> None:
    before = recorded(client)

    answer = ask(
        client, ACUTE_USER, {"provider_id": ACUTE, "scheme_id": NUTRITION, "milestone_code": "Q3", "status": "Met"}
    )

    assert answer.status_code == 200, answer.text
    [provider] = answer.json()["providers"]
    # 180,000,000 x 2.5% over six schemes and four milestones: 187,500, earned in full.
    assert provider["total"]["change"] == {
        "available": "187500.00",
        "earned": "187500.00",
        "shortfall": "0.00",
        "at_risk": "-187500.00",
    }
    moved = [c for c in provider["by_scheme_quarter"] if c["money"]["change"]["earned"] != "0.00"]
    assert [(c["scheme_code"], c["quarter"]) for c in moved] == [("NUTRITION", "Q3")]
    assert recorded(client) == before


def test_given_figures_when_the_commissioner_supposes_them_then_the_share_on_the_scale_is_earned(
    client: TestClient,
) -> None:
    # The nutrition measure pays between 80% and 95%: 89 of 100 is 0.6 of the way.
    change = {
        "provider_id": ACUTE,
        "scheme_id": NUTRITION,
        "milestone_code": "Q4",
        "numerator": "89",
        "denominator": "100",
    }

    answer = ask(client, COMMISSIONER, change)

    assert answer.status_code == 200, answer.text
    assert answer.json()["providers"][0]["total"]["change"]["earned"] == "112500.00"  # 187,500 x 0.6


def test_given_another_providers_money_when_a_provider_asks_what_if_then_it_is_refused(client: TestClient) -> None:
    change = {"provider_id": PRIVATE, "scheme_id": NUTRITION, "milestone_code": "Q3", "status": "Met"}

    answer = ask(client, ACUTE_USER, change)

    assert answer.status_code == 403, answer.text


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"milestone_code": "Q1", "status": "Met"}, "changes.0.milestone_code", "Q1 of Improve nutrition"),
        ({"milestone_code": "Q3", "status": "Brilliant"}, "changes.0.status", "choose one of Met"),
        ({"milestone_code": "Q3", "numerator": "101", "denominator": "100"}, "changes.0.numerator", "cannot exceed"),
        ({"milestone_code": "Q3", "numerator": "1", "denominator": "0"}, "changes.0.denominator", "more than 0"),
        ({"milestone_code": "Q3"}, "changes.0.status", "give a status"),
        (
            {"milestone_code": "Q3", "status": "Met", "numerator": "81", "denominator": "100"},
            "changes.0.status",
            "Partially Met, not Met",
        ),
    ],
)
def test_given_a_supposition_that_cannot_be_when_asked_then_422_names_its_field_and_nothing_is_recorded(
    client: TestClient, change: dict[str, str], field: str, words: str
) -> None:
    before = recorded(client)

    answer = ask(client, COMMISSIONER, {"provider_id": ACUTE, "scheme_id": NUTRITION} | change)

    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert [e["field"] for e in problem["errors"]] == [field] and words in answer.text
    assert recorded(client) == before


def test_given_the_what_if_page_when_the_commissioner_asks_then_the_money_moves_and_nothing_is_recorded(
    client: TestClient,
) -> None:
    client.post("/sign-in", data={"username": COMMISSIONER, "password": DEMO_PASSWORD, "next": "/"})
    page = f"/programmes/{PROGRAMME}/what-if"
    form = client.get(page, params={"provider": ACUTE}).text
    index = _row_index(form, "Improve nutrition and hydration in care settings", "Q3")
    before = recorded(client)

    asked = client.get(page, params={"provider": ACUTE, "ask": "1", f"status-{index}": "Met"})
    refused = client.get(page, params={"provider": ACUTE, "ask": "1", f"numerator-{index}": "many"})

    assert asked.status_code == 200 and "The money before and after" in asked.text
    assert "NUTRITION: Improve nutrition and hydration in care settings, Q3" in asked.text
    assert refused.status_code == 422 and "Give the figure as a number" in refused.text
    assert recorded(client) == before
    client.cookies.clear()


def test_given_the_payments_page_then_it_shows_the_forecast(client: TestClient) -> None:
    client.post("/sign-in", data={"username": ACUTE_USER, "password": DEMO_PASSWORD, "next": "/"})

    shown = client.get(f"/programmes/{PROGRAMME}/payments").text
    others = client.get(f"/programmes/{PROGRAMME}/what-if", params={"provider": PRIVATE})

    assert 'id="forecast"' in shown and "Figures carried forward" in shown and "/what-if" in shown
    assert others.status_code == 403
    client.cookies.clear()


def _row_index(form: str, scheme_title: str, quarter: str) -> int:
    """The form's row for a scheme's milestone of a quarter, by the name it shows."""
    rows = re.findall(
        r'<th role="rowheader" scope="row">([^<]*)</th>\s*<td role="cell">.*?name="status-(\d+)"', form, re.S
    )
    [index] = [int(i) for name, i in rows if name.startswith(f"{scheme_title}: {quarter}")]
    return index
