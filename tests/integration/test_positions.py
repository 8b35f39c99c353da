"""Every command reports the log position it reached, so a reader can wait for its own write."""

from __future__ import annotations

import pytest

from domain.application import Corral
from domain.errors import AlreadyExistsError
from domain.milestones import Quarter
from domain.organisation import OrganisationKind
from domain.service import Recorded
from tests.builders import ACUTE, ACUTE_ID, OPERATOR, COMMISSIONER, COMMUNITY, COMMUNITY_ID, narrative, terms
from tests.integration.given import CONTRACT_YEAR, HEALTH_ECONOMY, SCHEME_CODE, organisations_registered, provider_terms


def test_each_commands_position_is_the_newest_notification_and_strictly_increases(app: Corral) -> None:
    positions: list[int] = []

    def then_position_is_the_newest(recorded: Recorded) -> Recorded:
        assert recorded.position == app.recorder.max_notification_id()
        positions.append(recorded.position)
        return recorded

    then_position_is_the_newest(app.register_organisation(OPERATOR, "CCG", "CCG", OrganisationKind.COMMISSIONER))
    for code in ("ACUTE", "COMMUNITY"):
        then_position_is_the_newest(app.register_organisation(OPERATOR, code, code.title(), OrganisationKind.PROVIDER))
    programme_id = then_position_is_the_newest(app.set_up_programme(COMMISSIONER, HEALTH_ECONOMY, CONTRACT_YEAR)).id
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        then_position_is_the_newest(app.join_programme(COMMISSIONER, programme_id, provider_terms(provider_id)))
    two_providers = terms(programme=(ACUTE_ID, COMMUNITY_ID))
    scheme_id = then_position_is_the_newest(app.draft_scheme(COMMISSIONER, programme_id, SCHEME_CODE, two_providers)).id
    then_position_is_the_newest(app.designate_lead(COMMISSIONER, scheme_id, ACUTE_ID))
    for signer in (ACUTE, COMMUNITY, COMMISSIONER):
        then_position_is_the_newest(app.sign_scheme(signer, scheme_id, 1))
    submission_id = then_position_is_the_newest(app.submit_evidence(ACUTE, scheme_id, "M1", narrative())).id
    then_position_is_the_newest(app.accept_evidence(ACUTE, submission_id))
    then_position_is_the_newest(app.present_pack(ACUTE, scheme_id, Quarter.Q1))

    assert positions == sorted(set(positions))
    assert positions[-1] == app.recorder.max_notification_id()


def test_a_refused_duplicate_does_not_stop_positions_increasing(app: Corral) -> None:
    organisations_registered(app)
    before = app.recorder.max_notification_id()
    assert before is not None
    with pytest.raises(AlreadyExistsError):
        app.register_organisation(OPERATOR, "ACUTE", "Torbay Acute Trust", OrganisationKind.PROVIDER)

    recorded = app.set_up_programme(COMMISSIONER, HEALTH_ECONOMY, CONTRACT_YEAR)

    assert recorded.position > before
    assert recorded.position == app.recorder.max_notification_id()
