"""Events recorded before organisations had sectors and schemes' terms recorded who is left out still load, sign and
project: nothing in the log is rewritten."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.storage.settings import Settings
from domain.application import Corral
from domain.organisation import Organisation, OrganisationKind, Sector
from domain.scheme import Scheme
from projections.maintenance import verify
from projections.progress.queries import organisations_listed, scheme_exclusions
from projections.runner import catch_up
from tests.builders import ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, OPERATOR, PRIVATE_ID, administrator_of, terms
from tests.integration.given import organisations_registered, programme_set_up, signed_by_everyone
from tests.integration.read_models import Views, views_of
from tests.legacy import recorded_without


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


def test_an_organisation_registered_before_sectors_were_kept_has_none_until_its_administrator_records_one(
    app: Corral, views: Views
) -> None:
    organisations_registered(app)
    hospice = Organisation.register(OPERATOR, "HOSPICE", "Rowcroft Hospice", OrganisationKind.PROVIDER, Sector.ACUTE)
    recorded_without(app, hospice, "sector")

    assert app.organisation(hospice.id).sector is None
    catch_up(app, views.projections)
    assert {o.name: o.sector for o in organisations_listed(views.progress)}["Rowcroft Hospice"] is None

    app.change_sector(administrator_of(hospice.id), hospice.id, Sector.THIRD_SECTOR, "A charity, not an NHS trust.")

    catch_up(app, views.projections)
    assert app.organisation(hospice.id).sector is Sector.THIRD_SECTOR
    listed = {o.name: o for o in organisations_listed(views.progress)}["Rowcroft Hospice"]
    assert (listed.sector, listed.sector_label) == ("third-sector", "third sector")
    assert verify(app, views.database) == []


def test_terms_drafted_before_exclusions_were_kept_load_with_none_and_are_still_agreed(
    app: Corral, views: Views
) -> None:
    programme = app.programme(programme_set_up(app))
    scheme = Scheme.draft(COMMISSIONER, programme.id, COMMISSIONER_ID, programme.scope, "OLD", terms())
    programme.add_scheme(COMMISSIONER, scheme.id, "OLD")
    recorded_without(app, scheme, "exclusions")
    app.save(programme)
    app.designate_lead(COMMISSIONER, scheme.id, ACUTE_ID)

    signed_by_everyone(app, scheme.id)

    agreed = app.scheme(scheme.id)
    assert agreed.status.value == "agreed" and agreed.agreed_terms.exclusions == ()
    assert PRIVATE_ID not in agreed.agreed_terms.provider_ids
    catch_up(app, views.projections)
    assert scheme_exclusions(views.progress, str(programme.id)) == {}
    assert verify(app, views.database) == []
