"""The South Devon and Torbay demo as the read models show it, against figures worked out by hand.

The demo (api/cli/demo/south_devon.py), 2014/15, CQUIN rate 2.5%, equal weights everywhere:

    provider       contract value   CQUIN value (x 2.5%)   schemes   milestones a scheme
    SDHFT acute      180,000,000        4,500,000             6        4
    TSDHCT comm.     130,000,000        3,250,000             6        4
    SWASFT amb.       40,000,000        1,000,000             6        4 (5 in self-harm: Q2-TARGETED)
    DPT mental h.     75,000,000        1,875,000             6        4
    CCT third s.       2,000,000           50,000             6        4
    MSH private        6,000,000          150,000             4        4 (not in self-harm, domestic abuse)

Q1 is assessed for everyone in every scheme: Met, except CCT Partially Met (0.5). In Q2 only nutrition
is assessed: DPT Met (97% >= 95%) and SDHFT Partially Met at 92%, on the 80%-95% sliding scale:
(0.92 - 0.80) / (0.95 - 0.80) = 0.8.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from api.cli.demo.south_devon import ACUTE, AMBULANCE, COMMUNITY, MENTAL_HEALTH, PRIVATE, THIRD_SECTOR
from domain.milestones import Quarter
from domain.payments import pounds
from projections.progress.queries import collation_board, programme_payments, progress_matrix, provider_dashboard
from projections.progress.view import ProgressView
from tests.conftest import DATABASES
from tests.integration.read_models import (
    SDT_PROGRAMME,
    DemoStore,
    money,
    sdt_provider,
    sdt_scheme,
    shared_demo_store,
    shown,
)

# Mid-October 2014: Q3 (from 1 October) is due, Q4 (from 1 January 2015) is not yet.
TODAY = date(2014, 10, 15)


@pytest.fixture(scope="module", params=DATABASES)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    yield shared_demo_store(request, tmp_path_factory)


@pytest.fixture
def view(demo: DemoStore) -> ProgressView:
    return demo.views.progress


# Per provider, to the penny.
EXPECTED_PROVIDER_MONEY = {
    # 4,500,000 / 6 schemes / 4 milestones = 187,500 a milestone.
    # available: Q1 6 x 187,500 = 1,125,000, + nutrition Q2 187,500 = 1,312,500
    # earned: 1,125,000 + 187,500 x 0.8 = 150,000 -> 1,275,000; shortfall 37,500
    # at risk: 4,500,000 - 1,312,500 = 3,187,500; achieved 1,275,000 / 1,312,500 = 97.14%
    ACUTE: money("1312500.00", "1275000.00", "37500.00", "3187500.00", "97.14"),
    # 3,250,000 / 6 / 4 = 135,416.666...; Q1 6 x 135,416.666... = 812,500, all Met
    # at risk: 3,250,000 - 812,500 = 2,437,500
    COMMUNITY: money("812500.00", "812500.00", "0.00", "2437500.00", "100.00"),
    # 1,000,000 / 6 = 166,666.666... a scheme; / 4 = 41,666.666... a milestone, / 5 = 33,333.333... in self-harm
    # Q1: 5 x 41,666.666... + 33,333.333... = 241,666.666... -> 241,666.67, all Met
    # at risk: 1,000,000 - 241,666.666... = 758,333.333... -> 758,333.33
    AMBULANCE: money("241666.67", "241666.67", "0.00", "758333.33", "100.00"),
    # 1,875,000 / 6 / 4 = 78,125; Q1 6 x 78,125 = 468,750, + nutrition Q2 Met 78,125 = 546,875
    # at risk: 1,875,000 - 546,875 = 1,328,125
    MENTAL_HEALTH: money("546875.00", "546875.00", "0.00", "1328125.00", "100.00"),
    # 50,000 / 6 / 4 = 2,083.333...; Q1 6 x 2,083.333... = 12,500, Partially Met x 0.5 = 6,250
    # at risk: 50,000 - 12,500 = 37,500
    THIRD_SECTOR: money("12500.00", "6250.00", "6250.00", "37500.00", "50.00"),
    # 150,000 / 4 schemes / 4 = 9,375; Q1 4 x 9,375 = 37,500, all Met; at risk 150,000 - 37,500 = 112,500
    PRIVATE: money("37500.00", "37500.00", "0.00", "112500.00", "100.00"),
}


def test_each_providers_cquin_value_is_its_contract_value_times_two_and_a_half_percent(view: ProgressView) -> None:
    payments = programme_payments(view, SDT_PROGRAMME)

    values = {code: pounds(payments.providers[sdt_provider(code)].cquin_value) for code in EXPECTED_PROVIDER_MONEY}

    assert values == {
        ACUTE: Decimal("4500000.00"),  # 180,000,000 x 0.025
        COMMUNITY: Decimal("3250000.00"),  # 130,000,000 x 0.025
        AMBULANCE: Decimal("1000000.00"),  # 40,000,000 x 0.025
        MENTAL_HEALTH: Decimal("1875000.00"),  # 75,000,000 x 0.025
        THIRD_SECTOR: Decimal("50000.00"),  # 2,000,000 x 0.025
        PRIVATE: Decimal("150000.00"),  # 6,000,000 x 0.025
    }


@pytest.mark.parametrize("provider", list(EXPECTED_PROVIDER_MONEY))
def test_each_providers_payments_after_the_demo_are_the_hand_computed_figures(
    view: ProgressView, provider: str
) -> None:
    payments = programme_payments(view, SDT_PROGRAMME)

    assert shown(payments.providers[sdt_provider(provider)].total) == EXPECTED_PROVIDER_MONEY[provider]


def test_the_programme_totals_are_the_sum_of_the_providers(view: ProgressView) -> None:
    payments = programme_payments(view, SDT_PROGRAMME)

    # available: 1,312,500 + 812,500 + 241,666.666... + 546,875 + 12,500 + 37,500 = 2,963,541.666...
    # earned: 1,275,000 + 812,500 + 241,666.666... + 546,875 + 6,250 + 37,500 = 2,919,791.666...
    # shortfall: 37,500 + 6,250 = 43,750
    # at risk: CQUIN values 10,825,000 - 2,963,541.666... = 7,861,458.333...
    # achieved: 2,919,791.666... / 2,963,541.666... = 35,037,500 / 35,562,500 = 98.52%
    assert shown(payments.total) == money("2963541.67", "2919791.67", "43750.00", "7861458.33", "98.52")


def test_the_programme_payments_by_quarter(view: ProgressView) -> None:
    payments = programme_payments(view, SDT_PROGRAMME)

    by_quarter = {q: shown(f) for q, f in payments.by_quarter.items()}

    # Q1: every provider-milestone, one per scheme each: 1,125,000 + 812,500 + 241,666.666... + 468,750
    #     + 12,500 + 37,500 = 2,697,916.666...; earned loses CCT's half: 2,697,916.666... - 6,250
    assert by_quarter[Quarter.Q1] == money("2697916.67", "2691666.67", "6250.00", "0.00", "99.77")
    # Q2: nutrition SDHFT 187,500 (earned 150,000) and DPT 78,125 (earned 78,125) assessed;
    #     at risk: Q2's value is Q1's plus SWASFT's targeted 33,333.333..., = 2,731,250, less 265,625
    assert by_quarter[Quarter.Q2] == money("265625.00", "228125.00", "37500.00", "2465625.00", "85.88")
    # Q3 and Q4: nothing assessed; every provider-milestone at risk, the same 2,697,916.666... as Q1
    assert by_quarter[Quarter.Q3] == by_quarter[Quarter.Q4] == money("0.00", "0.00", "0.00", "2697916.67", None)


def test_the_acute_trusts_nutrition_q2_is_paid_on_the_sliding_scale(view: ProgressView) -> None:
    payments = programme_payments(view, SDT_PROGRAMME, sdt_provider(ACUTE))

    cell = payments.providers[sdt_provider(ACUTE)].by_scheme_quarter[(sdt_scheme("NUTRITION"), Quarter.Q2)]

    # 187,500 x (0.92 - 0.80) / (0.95 - 0.80) = 187,500 x 0.8 = 150,000
    assert shown(cell) == money("187500.00", "150000.00", "37500.00", "0.00", "80.00")


def test_the_progress_matrix_counts_each_status_mid_october(view: ProgressView) -> None:
    matrix = progress_matrix(view, SDT_PROGRAMME, TODAY)

    # 4 schemes x 6 providers x 4 + 2 schemes x 5 providers x 4 + SWASFT's Q2-TARGETED = 137 provider-milestones
    assert sum(matrix.counts.values()) == 137
    assert matrix.counts == {
        "not yet due": 34,  # all of Q4: 4 x 6 + 2 x 5
        # Q3's 34, and Q2's missing: SWASFT, DPT and CCT in self-harm; staff, incidents (6 each), domestic abuse (5)
        "awaiting evidence": 54,
        "overdue": 0,  # Q2's evidence is due on 30 October
        "submitted": 1,  # SWASFT's self-harm Q2-TARGETED
        "returned": 1,  # TSDHCT's self-harm Q2
        "accepted by lead": 1,  # SDHFT's self-harm Q2
        "presented": 10,  # nutrition Q2 (4 not yet assessed) and patient experience Q2 (6, queried)
        "called in": 0,
        "Met": 29,  # Q1 for all but CCT: 34 - 6, and DPT's nutrition Q2
        "Partially Met": 7,  # CCT's Q1 in its 6 schemes, and SDHFT's nutrition Q2
        "Not Met": 0,
        "N/A": 0,
    }


def test_the_progress_matrix_names_its_schemes_leads_and_providers(view: ProgressView) -> None:
    matrix = progress_matrix(view, SDT_PROGRAMME, TODAY)

    assert [(s.title, s.lead_id) for s in matrix.schemes] == [
        ("Improve patient experience", sdt_provider(PRIVATE)),
        ("Improve staff experience", sdt_provider(COMMUNITY)),
        ("Improve incident investigation", sdt_provider(AMBULANCE)),
        ("Reduce self-harm and suicide", sdt_provider(MENTAL_HEALTH)),
        ("Reduce domestic violence and abuse", sdt_provider(THIRD_SECTOR)),
        ("Improve nutrition and hydration in care settings", sdt_provider(ACUTE)),
    ]
    assert list(matrix.providers.values()) == [
        "Community Care Trust",
        "Devon Partnership NHS Trust",
        "Mount Stuart Hospital",
        "South Devon Healthcare NHS Foundation Trust",
        "South Western Ambulance Service NHS Foundation Trust",
        "Torbay and Southern Devon Health and Care NHS Trust",
    ]


@pytest.mark.parametrize(
    ("scheme", "provider", "quarter", "statuses"),
    [
        ("NUTRITION", ACUTE, Quarter.Q2, ("Partially Met",)),
        ("NUTRITION", MENTAL_HEALTH, Quarter.Q2, ("Met",)),
        ("NUTRITION", PRIVATE, Quarter.Q2, ("presented",)),
        ("DOMESTIC-ABUSE", THIRD_SECTOR, Quarter.Q1, ("Partially Met",)),
        ("SELF-HARM", AMBULANCE, Quarter.Q2, ("awaiting evidence", "submitted")),  # shared Q2, then targeted
        ("SELF-HARM", COMMUNITY, Quarter.Q2, ("returned",)),
        ("SELF-HARM", ACUTE, Quarter.Q2, ("accepted by lead",)),
        ("PATIENT-EXPERIENCE", PRIVATE, Quarter.Q2, ("presented",)),
        ("INCIDENTS", ACUTE, Quarter.Q3, ("awaiting evidence",)),
        ("INCIDENTS", ACUTE, Quarter.Q4, ("not yet due",)),
        ("SELF-HARM", PRIVATE, Quarter.Q1, None),  # the private hospital is not in self-harm
    ],
)
def test_named_cells_of_the_progress_matrix(
    view: ProgressView, scheme: str, provider: str, quarter: Quarter, statuses: tuple[str, ...] | None
) -> None:
    matrix = progress_matrix(view, SDT_PROGRAMME, TODAY)

    assert matrix.cells.get((sdt_scheme(scheme), sdt_provider(provider), quarter)) == statuses


def test_the_self_harm_q2_board_shows_who_is_missing_the_returned_evidence_and_the_nudge(view: ProgressView) -> None:
    board = collation_board(view, sdt_scheme("SELF-HARM"), Quarter.Q2, TODAY)

    assert (board.review_status, board.pack_number, board.ready_to_present) == ("open", 0, False)
    assert [(p.name, p.missing) for p in board.participants] == [
        ("Community Care Trust", ["Q2"]),
        ("Devon Partnership NHS Trust", ["Q2"]),
        ("South Devon Healthcare NHS Foundation Trust", []),
        ("South Western Ambulance Service NHS Foundation Trust", ["Q2", "Q2-TARGETED"]),
        ("Torbay and Southern Devon Health and Care NHS Trust", ["Q2"]),
    ]
    by_name = {p.name: p for p in board.participants}
    returned = by_name["Torbay and Southern Devon Health and Care NHS Trust"]
    assert [(m.code, m.status, m.lead_comments) for m in returned.milestones] == [
        ("Q2", "returned", "Please attach the safety-plan audit for July to September.")
    ]
    assert returned.last_action_at is not None
    nudged = by_name["Community Care Trust"]
    assert [(n.nudged_by, n.message) for n in nudged.nudges] == [
        ("dpt.quality", "Your Q2 evidence is due by 30 October.")
    ]
    assert nudged.last_action_at is None
    assert [p.name for p in board.participants if p.nudges] == ["Community Care Trust"]


def test_the_nutrition_q2_board_is_with_the_commissioner(view: ProgressView) -> None:
    board = collation_board(view, sdt_scheme("NUTRITION"), Quarter.Q2, TODAY)

    assert (board.review_status, board.pack_number, board.ready_to_present) == ("presented", 1, False)
    assert all(p.missing == [] for p in board.participants) and len(board.participants) == 6


def test_the_acute_trusts_dashboard_lists_its_milestones_soonest_first_and_its_money(view: ProgressView) -> None:
    [programme] = provider_dashboard(view, sdt_provider(ACUTE), TODAY)

    assert (programme.health_economy, programme.contract_year) == ("South Devon and Torbay", 2014)
    assert [(title, leads) for _, title, leads in programme.schemes] == [
        ("Improve patient experience", False),
        ("Improve staff experience", False),
        ("Improve incident investigation", False),
        ("Reduce self-harm and suicide", False),
        ("Reduce domestic violence and abuse", False),
        ("Improve nutrition and hydration in care settings", True),
    ]
    dues = [m.due for m in programme.milestones]
    assert len(dues) == 24 and dues == sorted(dues)
    # each quarter's milestone is due 30 days after the quarter ends, but within the contract year
    assert sorted(set(dues)) == [date(2014, 7, 30), date(2014, 10, 30), date(2015, 1, 30), date(2015, 3, 31)]
    assert [(m.scheme_title, m.code, m.status) for m in programme.milestones[6:12]] == [
        ("Improve incident investigation", "Q2", "awaiting evidence"),
        ("Improve nutrition and hydration in care settings", "Q2", "Partially Met"),
        ("Improve patient experience", "Q2", "presented"),
        ("Improve staff experience", "Q2", "awaiting evidence"),
        ("Reduce domestic violence and abuse", "Q2", "awaiting evidence"),
        ("Reduce self-harm and suicide", "Q2", "accepted by lead"),
    ]
    assert {m.status for m in programme.milestones[:6]} == {"Met"}
    assert shown(programme.money) == EXPECTED_PROVIDER_MONEY[ACUTE]


def test_the_third_sector_providers_incidents_q1_is_restated_and_its_original_stands(view: ProgressView) -> None:
    paid = programme_payments(view, SDT_PROGRAMME)

    third_sector = paid.providers[sdt_provider(THIRD_SECTOR)]
    # 50,000 / 6 schemes / 4 milestones = 2,083.33...: Partially Met earned half, Met as restated earns it all.
    [restated] = third_sector.restated
    assert (restated.scheme_title, restated.code) == ("Improve incident investigation", "Q1")
    assert (restated.original_status, restated.restated_status) == ("Partially Met", "Met")
    assert pounds(restated.difference.earned) == Decimal("1041.67")
    assert shown(third_sector.total) == EXPECTED_PROVIDER_MONEY[THIRD_SECTOR]
    assert third_sector.restated_total is not None
    assert third_sector.restated_total.earned == third_sector.total.earned + restated.difference.earned
