"""DOMAIN.md's set-up rules through the application and the views, on each database: no scheme is agreed without a
lead, a provider of the programme left out of a scheme has the reason recorded, and each organisation its sector."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from api.storage.settings import Settings
from domain.application import Corral
from domain.limits import InvalidInputError
from domain.organisation import Sector
from domain.programme_errors import LeadNotParticipantError
from domain.scheme import LeadNotDesignatedError
from domain.scheme_terms import Exclusion, ExclusionReasonMissingError
from projections.audit import audit_trail
from projections.progress.queries import LeftOut, organisations_listed, programme_providers, scheme_exclusions
from projections.runner import catch_up
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY_ID, LEFT_OUT, OPERATOR, PRIVATE_ID
from tests.builders import administrator_of, terms
from tests.integration.given import SCHEME_CODE, agreed_scheme, event_count, programme_set_up, signed_by_everyone
from tests.integration.read_models import Views, views_of

HOSPITAL_REASON = "Mount Stuart Hospital signs up only to the schemes relevant to its NHS patients."


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


def test_no_party_signs_a_scheme_whose_lead_is_not_designated_and_nothing_is_recorded(app: Corral) -> None:
    scheme_id = app.draft_scheme(COMMISSIONER, programme_set_up(app), SCHEME_CODE, terms()).id
    before = event_count(app)

    for signer in (ACUTE, COMMISSIONER):
        with pytest.raises(LeadNotDesignatedError):
            app.sign_scheme(signer, scheme_id, 1)

    assert event_count(app) == before and app.scheme(scheme_id).signatures == {}
    app.designate_lead(COMMISSIONER, scheme_id, ACUTE_ID)
    signed_by_everyone(app, scheme_id)
    assert app.scheme(scheme_id).status.value == "agreed"


def test_a_variation_leaving_out_the_lead_waits_for_the_lead_to_be_re_designated(app: Corral) -> None:
    agreed = agreed_scheme(app, lead=ACUTE_ID)
    without_acute = terms(participants=(COMMUNITY_ID, PRIVATE_ID))
    before = event_count(app)

    with pytest.raises(LeadNotParticipantError):
        app.propose_variation(COMMISSIONER, agreed.scheme_id, without_acute, "The acute trust steps back.")

    assert event_count(app) == before
    app.designate_lead(COMMISSIONER, agreed.scheme_id, COMMUNITY_ID, reason="The acute trust steps back.")
    app.propose_variation(COMMISSIONER, agreed.scheme_id, without_acute, "The acute trust steps back.")
    signed_by_everyone(app, agreed.scheme_id)
    scheme = app.scheme(agreed.scheme_id)
    assert scheme.status.value == "agreed"
    assert scheme.agreed_version(1).terms.exclusions == (Exclusion(PRIVATE_ID, LEFT_OUT),)
    assert scheme.agreed_terms.exclusions == (Exclusion(ACUTE_ID, LEFT_OUT),)


def test_a_draft_leaving_a_provider_of_the_programme_out_with_no_reason_records_nothing(app: Corral) -> None:
    programme_id = programme_set_up(app)
    before = event_count(app)

    with pytest.raises(ExclusionReasonMissingError) as refused:
        app.draft_scheme(COMMISSIONER, programme_id, SCHEME_CODE, terms(programme=()))

    assert refused.value.missing == (PRIVATE_ID,) and event_count(app) == before


def test_leaving_out_a_provider_that_is_not_in_the_programme_is_refused_naming_the_field(app: Corral) -> None:
    programme_id = programme_set_up(app, ACUTE_ID, COMMUNITY_ID)

    with pytest.raises(InvalidInputError) as refused:
        app.draft_scheme(COMMISSIONER, programme_id, SCHEME_CODE, terms())

    assert refused.value.field == "exclusions.0.provider_id"


def test_who_is_left_out_and_why_is_shown_by_the_progress_view_and_told_by_the_audit_trail(
    app: Corral, views: Views
) -> None:
    programme_id = programme_set_up(app)
    hospital_out = replace(terms(), exclusions=(Exclusion(PRIVATE_ID, HOSPITAL_REASON),))
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, SCHEME_CODE, hospital_out).id

    catch_up(app, views.projections)

    assert scheme_exclusions(views.progress, str(programme_id)) == {
        str(scheme_id): [LeftOut(str(PRIVATE_ID), HOSPITAL_REASON)]
    }
    [drafted] = [e for e in audit_trail(views.database, scheme_id=scheme_id).entries if e.event_type == "Drafted"]
    assert drafted.description.endswith(
        f"2 participants, 1 milestone; left out: Mount Stuart Hospital ({HOSPITAL_REASON})"
    )


def test_an_organisation_is_registered_with_its_sector_and_its_administrator_changes_it_saying_why(
    app: Corral, views: Views
) -> None:
    programme_id = programme_set_up(app)
    app.register_organisation(OPERATOR, "RDUH", "Royal Devon University Healthcare", Sector.ACUTE.kind, Sector.ACUTE)
    app.change_sector(administrator_of(ACUTE_ID), ACUTE_ID, Sector.COMMUNITY, "Now an integrated care organisation.")

    catch_up(app, views.projections)

    sectors = {o.name: o.sector_label for o in organisations_listed(views.progress)}
    assert sectors["Torbay Acute Trust"] == "community" and sectors["Royal Devon University Healthcare"] == "acute"
    assert [p.name for p in programme_providers(views.progress, str(programme_id))] == [
        "Devon Community Care Trust",
        "Mount Stuart Hospital",
        "Torbay Acute Trust",
    ]
    [changed] = [
        e for e in audit_trail(views.database, provider_id=ACUTE_ID).entries if e.event_type == "SectorChanged"
    ]
    assert changed.description == (
        "Administrator admin recorded Torbay Acute Trust's sector as community: Now an integrated care organisation."
    )
