"""The demo data: both seeds loaded through the use cases, once, on each database."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from collections.abc import Iterator

import pytest

from api.storage.attachments import AttachmentStore
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from api.cli.demo import load_demo, south_devon, trust_year, users
from domain import ids
from domain.application import Corral
from domain.milestones import Quarter
from domain.organisation import OrganisationKind, Sector
from projections.progress.queries import programme_payments, quarter_table
from projections.progress.view import ProgressView
from projections.runner import catch_up
from tests.builders import OPERATOR
from web.pages.formats import percent
from tests.conftest import DATABASES, empty_store

SEED_000 = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_273be610992f54bc.txt"

EXPECTED_2017 = [
    ("Cardio Metabolic Assessment", "Met", "N/A", "N/A", "Partially Met"),
    ("Summaries of Care", "N/A", "Met", "Partially Met", "Met"),
    ("Improvement of staff health and wellbeing", "N/A", "N/A", "N/A", "Not Met"),
    ("Healthy food for NHS staff, visitors and patients", "N/A", "N/A", "N/A", "Partially Met"),
    ("Improving the Uptake of Flu Vaccinations", "N/A", "N/A", "N/A", "Partially Met"),
    ("Child and Young Person MH Transition", "Met", "Met", "N/A", "Partially Met"),
    ("Improving Services for people who present at A&E with Mental Health needs", "Met", "Met", "Met", "Partially Met"),
    ("Preventing ill health by risky behaviour", "Met", "Met", "Partially Met", "Partially Met"),
    ("Recovery Colleges for Medium and Low Secure Patients", "Met", "Met", "Met", "Met"),
    ("Reducing Restrictive Practices within Adult Secure Services", "Met", "Met", "Met", "Met"),
    ("CAMHS Transition Pathway", "Met", "Met", "Met", "Met"),
    (
        "Improvement of Information flows across the justice pathway to improve patient outcomes",
        "Met",
        "Met",
        "Met",
        "Met",
    ),
    ("Non-secure - \u00a0Repatriation", "Met", "Met", "Met", "Met"),
    ("Non-secure – Reducing Length of Stay", "Met", "Met", "Met", "Met"),
    ("Secure Services – Reducing Length of Stay", "Met", "Met", "Met", "Met"),
]


def seed_table() -> list[tuple[str, ...]]:
    """Seed 000's 2017/18 table, read from the seed text: an indicator line then four status lines."""
    lines = [line.strip() for line in SEED_000.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = lines.index("Q4", lines.index("2017-18 CQUIN and Trust Quality Priorities Indicators")) + 1
    end = lines.index("What do we have planned for 2018/19?")
    cells = lines[start:end]
    return [tuple(cells[i : i + 5]) for i in range(0, len(cells), 5)]


@pytest.fixture(scope="module", params=DATABASES)
def demo_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Corral, Settings]]:
    """One store per database with the demo loaded, shared by this module's read-only tests."""
    with empty_store(request, tmp_path_factory.mktemp("demo")) as settings:
        app = build_application(settings)
        load_demo(app, AttachmentStore.of(settings))
        yield app, settings
        app.close()


@pytest.fixture
def demo(demo_store: tuple[Corral, Settings]) -> Corral:
    return demo_store[0]


def trust_table(app: Corral, settings: Settings, year: int) -> list[tuple[str, ...]]:
    """Seed 000's table as the progress view shows it."""
    database, projections = build_views(settings)
    for projection in projections:
        catch_up(app, projection)
    view = next(p.view for p in projections if isinstance(p.view, ProgressView))
    trust_id = str(ids.organisation_id(trust_year.TRUST))
    rows = []
    for commissioner in (trust_year.LOCAL, trust_year.SPECIALISED):
        programme_id = trust_year.programme_id(commissioner, year)
        for row in quarter_table(view, str(programme_id), trust_id):
            rows.append((row.title, *(row.statuses[q] for q in Quarter)))
    database.close()
    return rows


@pytest.mark.skipif(not SEED_000.exists(), reason="shared/seeds is not beside this checkout")
def test_the_expected_table_is_the_seeds_own_table() -> None:
    assert seed_table() == EXPECTED_2017


def test_the_demo_reproduces_the_trusts_2017_18_table_exactly(demo_store: tuple[Corral, Settings]) -> None:
    assert trust_table(*demo_store, 2017) == EXPECTED_2017


def test_running_the_demo_again_duplicates_nothing(demo_store: tuple[Corral, Settings]) -> None:
    demo, settings = demo_store
    position = demo.recorder.max_notification_id()

    again = load_demo(demo, AttachmentStore.of(settings))

    assert not any(again.values())
    assert demo.recorder.max_notification_id() == position


def test_the_system_scheme_has_six_providers_each_leading_one_scheme(demo: Corral) -> None:
    commissioner_id = ids.organisation_id(south_devon.CCG)
    programme = demo.programme(ids.programme_id(commissioner_id, south_devon.HEALTH_ECONOMY, south_devon.YEAR))

    leads = [programme.lead_of(s) for s in programme.scheme_ids]

    assert len(programme.provider_ids) == 6 and len(programme.scheme_ids) == 6
    assert sorted(map(str, leads)) == sorted(map(str, programme.provider_ids))
    private_id = ids.organisation_id(south_devon.PRIVATE)
    joined = [s for s in programme.scheme_ids if private_id in demo.scheme(s).terms.provider_ids]
    assert 0 < len(joined) < 6


def test_the_private_hospital_is_left_out_of_the_other_schemes_with_the_seeds_reason(demo: Corral) -> None:
    commissioner_id = ids.organisation_id(south_devon.CCG)
    programme = demo.programme(ids.programme_id(commissioner_id, south_devon.HEALTH_ECONOMY, south_devon.YEAR))
    private_id = ids.organisation_id(south_devon.PRIVATE)

    left_out = {
        demo.scheme(s).code: [(x.provider_id, x.reason) for x in demo.scheme(s).agreed_terms.exclusions]
        for s in programme.scheme_ids
    }

    reason = "Mount Stuart Hospital signs up only to the schemes relevant to its NHS patients."
    assert {code: out for code, out in left_out.items() if out} == {
        "SELF-HARM": [(private_id, reason)],
        "DOMESTIC-ABUSE": [(private_id, reason)],
    }


def test_every_demo_organisation_records_its_sector(demo: Corral) -> None:
    sectors = {
        code: demo.organisation(ids.organisation_id(code)).sector
        for code in (
            *(o[0] for o in south_devon.ORGANISATIONS),
            trust_year.TRUST,
            trust_year.LOCAL,
            trust_year.SPECIALISED,
        )
    }

    assert sectors == {
        "SDT-CCG": Sector.ICB,
        "SDHFT": Sector.ACUTE,
        "TSDHCT": Sector.COMMUNITY,
        "SWASFT": Sector.AMBULANCE,
        "DPT": Sector.MENTAL_HEALTH,
        "CCT": Sector.THIRD_SECTOR,
        "MSH": Sector.INDEPENDENT_SECTOR,
        "MHT": Sector.MENTAL_HEALTH,
        "LOCAL-CCG": Sector.ICB,
        "NHSE-SPEC": Sector.NHS_ENGLAND,
    }


def test_each_programme_of_the_trust_says_whose_it_is(demo: Corral) -> None:
    names = {
        (code, year): demo.programme(trust_year.programme_id(code, year)).health_economy
        for code in (trust_year.LOCAL, trust_year.SPECIALISED)
        for year in (2017, 2018)
    }

    assert len(set(names.values())) == 2
    assert all("CCG" in name for (code, _), name in names.items() if code == trust_year.LOCAL)
    assert all("NHS England" in name for (code, _), name in names.items() if code == trust_year.SPECIALISED)


def test_the_2018_19_goals_carry_the_seeds_numeric_targets_in_percent_agreed_with_baselines(demo: Corral) -> None:
    programme = demo.programme(trust_year.programme_id(trust_year.LOCAL, 2018))
    milestones = {m.code: m for s in programme.scheme_ids for m in demo.scheme(s).terms.milestones}

    targets = {code: m.measure for code, m in milestones.items() if m.measure is not None}

    assert {k: f"{v.maximum} {v.in_unit.value}" for k, v in targets.items()} == {
        "WELLBEING": "5 percent",
        "FLU": "75 percent",
        "CMA-INPATIENT": "90 percent",
        "CMA-COMMUNITY": "75 percent",
        "CMA-EIP": "90 percent",
        "CPA-SHARED": "90 percent",
        "AE-FREQUENT": "-20 percent",
    }
    assert all(m.measure.baseline is not None for m in milestones.values() if m.measure is not None)
    assert all(demo.scheme(s).status.value == "agreed" for s in programme.scheme_ids)


def test_2018_19_is_2017_18_continued_each_scheme_linked_to_the_one_it_continues(demo: Corral) -> None:
    for commissioner in (trust_year.LOCAL, trust_year.SPECIALISED):
        last = demo.programme(trust_year.programme_id(commissioner, 2017))
        following = demo.programme(trust_year.programme_id(commissioner, 2018))

        continued = [demo.scheme(s) for s in following.scheme_ids]

        assert (last.continued_by, following.continues) == (following.id, last.id)
        assert all(s.continues in last.scheme_ids and following.lead_of(s.id) is not None for s in continued)
        assert all(demo.scheme(s.continues).terms.title == s.terms.title for s in continued if s.continues)
    assert len(following.scheme_ids) == len(last.scheme_ids) - 1  # the justice pathway is not in the seed's 2018/19


def headline(app: Corral, settings: Settings, commissioner: str) -> Decimal:
    """The 2017/18 programme's % of income achieved: earned over available, exactly."""
    database, projections = build_views(settings)
    for projection in projections:
        catch_up(app, projection)
    view = next(p.view for p in projections if isinstance(p.view, ProgressView))
    programme_id = trust_year.programme_id(commissioner, 2017)
    achieved = programme_payments(view, str(programme_id)).total.achieved
    database.close()
    assert achieved is not None
    return achieved * 100


def test_the_trust_earns_89_percent_of_its_local_income_and_100_percent_of_its_specialised(
    demo_store: tuple[Corral, Settings],
) -> None:
    local, specialised = headline(*demo_store, trust_year.LOCAL), headline(*demo_store, trust_year.SPECIALISED)

    assert (local, specialised) == (Decimal(89), Decimal(100))
    assert (percent(local / 100), percent(specialised / 100)) == ("89.0%", "100.0%")  # as the payments page shows them


@pytest.mark.skipif(not SEED_000.exists(), reason="shared/seeds is not beside this checkout")
def test_the_headline_figures_are_the_ones_the_seed_states(demo_store: tuple[Corral, Settings]) -> None:
    stated = re.search(
        r"achieved (\d+)% of the income available for the 2017/18 Local CQUINs and (\d+)% of the income available"
        r" for the 2017/18 Specialist Services CQUINS",
        SEED_000.read_text(encoding="utf-8"),
    )
    assert stated is not None

    shown = (headline(*demo_store, trust_year.LOCAL), headline(*demo_store, trust_year.SPECIALISED))

    assert shown == (Decimal(stated[1]), Decimal(stated[2]))


def test_every_demo_user_has_a_name_and_an_email_address_at_a_domain_reserved_for_examples(demo: Corral) -> None:
    accounts = [demo.user_account(username) for username, *_ in users.demo_users()]

    assert all(account.display_name for account in accounts)
    assert demo.user_account("dpt.quality").display_name == "Priya Shah"
    assert all(account.email == f"{account.username}@example.nhs.uk" for account in accounts)


def test_demo_users_opened_before_people_had_names_are_given_theirs_once(app: Corral) -> None:
    for code in sorted({code for _, code, _ in users.demo_users()}):
        kind = OrganisationKind.COMMISSIONER if code in users.COMMISSIONERS else OrganisationKind.PROVIDER
        app.register_organisation(OPERATOR, code, f"{code} organisation", kind)
    for username, code, role in users.demo_users():
        app.register_user(OPERATOR, username, ids.organisation_id(code), role, "an old hash")

    users.load(app)
    position = app.recorder.max_notification_id()
    users.load(app)

    assert app.user_account("sdt-ccg.admin").display_name == "Sam Okafor"
    assert app.recorder.max_notification_id() == position
