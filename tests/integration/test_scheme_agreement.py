"""Drafting, lead designation and signing, through the application on each database."""

from __future__ import annotations

import pytest

from domain.application import Corral
from domain.errors import NotPermittedError, ReasonRequiredError
from domain.programme_errors import LeadLimitExceededError
from domain.scheme import StaleTermsError
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, PRIVATE, narrative_milestone, terms
from tests.integration.given import SCHEME_CODE, agreed_scheme, drafted_with_lead, event_count, event_names, last_event
from tests.integration.given import programme_set_up


def test_a_scheme_is_agreed_when_its_last_party_signs(app: Corral) -> None:
    programme_id = programme_set_up(app)
    scheme_id = drafted_with_lead(app, programme_id)
    app.sign_scheme(ACUTE, scheme_id, 1)
    app.sign_scheme(COMMISSIONER, scheme_id, 1)

    recorded = app.sign_scheme(COMMUNITY, scheme_id, 1)

    scheme = app.scheme(scheme_id)
    assert scheme.status.value == "agreed"
    assert recorded.version == scheme.version == 5
    assert event_names(app, scheme_id)[-2:] == ["Signed", "Agreed"]
    assert last_event(app, scheme_id).actor == COMMUNITY


def test_a_signature_on_terms_amended_since_they_were_read_is_refused(app: Corral) -> None:
    programme_id = programme_set_up(app)
    scheme_id = drafted_with_lead(app, programme_id)
    app.sign_scheme(ACUTE, scheme_id, 1)
    app.amend_draft(COMMISSIONER, scheme_id, terms(narrative_milestone("M2")), reason="Milestone renumbered")

    with pytest.raises(StaleTermsError):
        app.sign_scheme(COMMUNITY, scheme_id, 1)

    scheme = app.scheme(scheme_id)
    assert scheme.terms_version == 2
    assert scheme.signatures == {}


def test_a_provider_outside_the_scheme_cannot_sign_it(app: Corral) -> None:
    programme_id = programme_set_up(app)
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, SCHEME_CODE, terms()).id

    with pytest.raises(NotPermittedError):
        app.sign_scheme(PRIVATE, scheme_id, 1)

    assert event_names(app, scheme_id) == ["Drafted"]


def test_re_designating_a_lead_records_the_previous_lead_and_the_reason(app: Corral) -> None:
    agreed = agreed_scheme(app, lead=ACUTE_ID)

    app.designate_lead(COMMISSIONER, agreed.scheme_id, COMMUNITY_ID, reason="The acute trust is in special measures")

    assert app.programme(agreed.programme_id).lead_of(agreed.scheme_id) == COMMUNITY_ID
    redesignated = last_event(app, agreed.programme_id)
    assert type(redesignated).__name__ == "LeadProviderRedesignated"
    assert redesignated.previous_provider_id == ACUTE_ID
    assert redesignated.reason == "The acute trust is in special measures"
    assert redesignated.actor == COMMISSIONER


def test_re_designating_a_lead_without_a_reason_is_refused(app: Corral) -> None:
    agreed = agreed_scheme(app, lead=ACUTE_ID)
    before = event_count(app)

    with pytest.raises(ReasonRequiredError):
        app.designate_lead(COMMISSIONER, agreed.scheme_id, COMMUNITY_ID, reason="  ")

    assert event_count(app) == before
    assert app.programme(agreed.programme_id).lead_of(agreed.scheme_id) == ACUTE_ID


def test_a_provider_may_lead_only_one_scheme_by_default(app: Corral) -> None:
    agreed = agreed_scheme(app, lead=ACUTE_ID)
    second_id = app.draft_scheme(COMMISSIONER, agreed.programme_id, "NUTRITION", terms()).id

    with pytest.raises(LeadLimitExceededError):
        app.designate_lead(COMMISSIONER, second_id, ACUTE_ID)

    assert app.programme(agreed.programme_id).lead_of(second_id) is None
