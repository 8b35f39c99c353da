"""Every list comes back in one order on SQLite and on PostgreSQL: programmes by contract year, then name, then id;
organisations and providers by name, then id (names compared the same way whatever the database's collation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.actors import Actor, Role
from domain.organisation import Sector
from projections.progress.queries import (
    name_order,
    organisations_listed,
    programmes_for,
    provider_dashboard,
    provider_names,
)
from projections.runner import catch_up
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, OPERATOR
from tests.conftest import POSTGRES_URL, fresh_schema
from tests.integration.given import organisations_registered, provider_terms
from tests.integration.read_models import views_of

NHSE = Actor("ruth", ids.organisation_id("NHSE"), Role.COMMISSIONER)
# Drafted out of order, with a name only the case tells apart and two programmes of one name and year.
PROGRAMMES = [
    (COMMISSIONER, "Torbay", 2015),
    (COMMISSIONER, "devon", 2014),
    (COMMISSIONER, "Torbay", 2014),
    (NHSE, "Torbay", 2014),
    (COMMISSIONER, "Exeter", 2014),
    (COMMISSIONER, "Dorset", 2014),
]
PROVIDERS = [("HOSPICE", "mount edgcumbe hospice"), ("NORTH", "North Devon Healthcare"), ("ABC", "Ambulance")]


def lists_on(settings: Settings) -> dict[str, Any]:
    """Play the same set-up, then read every list the API and the pages return."""
    app = build_application(settings)
    try:
        organisations_registered(app)
        app.register_organisation(OPERATOR, "NHSE", "NHS England Specialised", Sector.NHS_ENGLAND.kind)
        for code, name in PROVIDERS:
            app.register_organisation(OPERATOR, code, name, Sector.ACUTE.kind, Sector.ACUTE)
        for commissioner, name, year in PROGRAMMES:
            programme_id = app.set_up_programme(commissioner, name, year).id
            for provider_id in (ACUTE_ID, *(ids.organisation_id(code) for code, _ in PROVIDERS)):
                app.join_programme(commissioner, programme_id, provider_terms(provider_id))
        with views_of(settings) as views:
            catch_up(app, views.projections)
            progress = views.progress
            first = programmes_for(progress, COMMISSIONER)[0].id
            return {
                "commissioner's programmes": [p.id for p in programmes_for(progress, COMMISSIONER)],
                "provider's programmes": [p.id for p in programmes_for(progress, ACUTE)],
                "provider's home": [d.programme_id for d in provider_dashboard(progress, str(ACUTE_ID))],
                "organisations": [o.name for o in organisations_listed(progress)],
                "providers": list(provider_names(progress, first).values()),
            }
    finally:
        app.close()


def expected_programmes(who: Actor | None) -> list[str]:
    chosen = [(c, name, year) for c, name, year in PROGRAMMES if who is None or c == who]
    keyed = [(year, name_order(name, str(ids.programme_id(c.organisation_id, name, year)))) for c, name, year in chosen]
    return [key[1][2] for key in sorted(keyed)]


def test_every_list_is_in_the_same_order_on_sqlite_and_on_postgresql(tmp_path: Path, postgres_available: bool) -> None:
    if not postgres_available:
        pytest.skip("no PostgreSQL server answers (set CORRAL_REQUIRE_POSTGRES=1 to fail instead)")
    on_sqlite = lists_on(Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}"))
    with fresh_schema() as schema:
        on_postgres = lists_on(Settings(database_url=POSTGRES_URL, database_schema=schema))

    assert on_sqlite == on_postgres
    assert on_sqlite["commissioner's programmes"] == expected_programmes(COMMISSIONER)
    assert on_sqlite["provider's programmes"] == on_sqlite["provider's home"] == expected_programmes(None)
    assert on_sqlite["organisations"] == [
        "Ambulance",
        "Devon Community Care Trust",
        "mount edgcumbe hospice",
        "Mount Stuart Hospital",
        "NHS England Specialised",
        "North Devon Healthcare",
        "South Devon and Torbay CCG",
        "Torbay Acute Trust",
    ]
    assert on_sqlite["providers"] == [
        "Ambulance",
        "mount edgcumbe hospice",
        "North Devon Healthcare",
        "Torbay Acute Trust",
    ]
