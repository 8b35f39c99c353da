"""A repeated create collides on its natural key instead of recording a duplicate."""

from __future__ import annotations

import pytest

from domain import ids
from domain.application import Corral
from domain.errors import AlreadyExistsError
from domain.organisation import OrganisationKind
from tests.builders import ACUTE, ACUTE_ID, OPERATOR, COMMISSIONER, COMMISSIONER_ID, narrative, terms
from tests.integration.given import CONTRACT_YEAR, HEALTH_ECONOMY, SCHEME_CODE, agreed_scheme
from tests.integration.given import event_count, event_names, programme_set_up


def test_registering_an_organisation_code_twice_is_refused(app: Corral) -> None:
    app.register_organisation(OPERATOR, "ACUTE", "Torbay Acute Trust", OrganisationKind.PROVIDER)
    before = event_count(app)

    with pytest.raises(AlreadyExistsError):
        app.register_organisation(OPERATOR, "ACUTE", "Another Acute Trust", OrganisationKind.PROVIDER)

    assert event_count(app) == before
    assert app.organisation(ACUTE_ID).name == "Torbay Acute Trust"


def test_setting_up_the_same_programme_twice_is_refused(app: Corral) -> None:
    programme_id = programme_set_up(app)
    before = event_count(app)

    with pytest.raises(AlreadyExistsError):
        app.set_up_programme(COMMISSIONER, HEALTH_ECONOMY, CONTRACT_YEAR)

    assert event_count(app) == before
    assert programme_id == ids.programme_id(COMMISSIONER_ID, HEALTH_ECONOMY, CONTRACT_YEAR)
    assert app.programme(programme_id).provider_ids


def test_drafting_a_scheme_code_twice_in_a_programme_is_refused(app: Corral) -> None:
    programme_id = programme_set_up(app)
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, SCHEME_CODE, terms()).id
    before = event_count(app)

    with pytest.raises(AlreadyExistsError):
        app.draft_scheme(COMMISSIONER, programme_id, SCHEME_CODE, terms(participants=(ACUTE_ID,)))

    assert event_count(app) == before
    assert event_names(app, scheme_id) == ["Drafted"]


def test_submitting_twice_for_the_same_milestone_is_refused(app: Corral) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("First.")).id
    before = event_count(app)

    with pytest.raises(AlreadyExistsError):
        app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("Second."))

    assert event_count(app) == before
    assert app.submission(submission_id).revisions == [narrative("First.")]


def test_the_store_still_accepts_writes_after_a_refused_duplicate(app: Corral) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("First.")).id
    with pytest.raises(AlreadyExistsError):
        app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("Second."))

    recorded = app.revise_evidence(ACUTE, submission_id, narrative("Second."), reason="Meant to revise")

    assert recorded.version == 2
    assert app.submission(submission_id).evidence() == narrative("Second.")
