"""Every change to something that exists can name the version its author last saw, and is refused if it moved on."""

from __future__ import annotations

import pytest

from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import StaleVersionError
from domain.milestones import Quarter
from tests.builders import ACUTE, ACUTE_ID, OPERATOR, COMMISSIONER, COMMUNITY, COMMUNITY_ID, narrative, terms
from tests.builders import narrative_milestone
from tests.integration.given import agreed_scheme, event_count, event_names, presented, programme_set_up

Q1 = Quarter.Q1


def test_signing_terms_someone_changed_since_they_were_read_is_refused_and_records_nothing(app: Corral) -> None:
    programme_id = programme_set_up(app)
    drafted = app.draft_scheme(COMMISSIONER, programme_id, "FLU", terms(narrative_milestone()))
    app.designate_lead(COMMISSIONER, drafted.id, ACUTE_ID)
    app.amend_draft(COMMISSIONER, drafted.id, terms(narrative_milestone("M2")), "milestone renamed", drafted.version)
    before = event_count(app)

    with pytest.raises(StaleVersionError, match=f"scheme is at version {drafted.version + 1}"):
        app.sign_scheme(ACUTE, drafted.id, 2, expected_version=drafted.version)

    assert event_count(app) == before
    assert app.sign_scheme(ACUTE, drafted.id, 2, expected_version=drafted.version + 1).version == drafted.version + 2


def test_designating_a_lead_checks_the_programme_version(app: Corral) -> None:
    agreed = agreed_scheme(app)
    programme = app.programme(agreed.programme_id)

    moved = app.designate_lead(COMMISSIONER, agreed.scheme_id, COMMUNITY_ID, "ACUTE stepped down", programme.version)

    with pytest.raises(StaleVersionError):
        app.designate_lead(COMMISSIONER, agreed.scheme_id, ACUTE_ID, "changed our minds", programme.version)
    assert moved.version == programme.version + 1


def test_the_first_change_to_a_quarter_expects_version_0_and_a_second_author_expecting_0_is_refused(
    app: Corral,
) -> None:
    scheme_id = agreed_scheme(app).scheme_id

    first = app.nudge_provider(ACUTE, scheme_id, Q1, COMMUNITY_ID, "due Friday", expected_version=0)

    with pytest.raises(StaleVersionError, match="quarter review is at version 2, not 0"):
        app.nudge_provider(ACUTE, scheme_id, Q1, COMMUNITY_ID, "due Friday!", expected_version=0)
    assert first.version == 2  # opened, then nudged


def test_an_assessment_made_on_a_stale_view_of_the_pack_is_refused(app: Corral) -> None:
    scheme_id = agreed_scheme(app).scheme_id
    presented(app, scheme_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))
    seen = app.quarter_review(scheme_id, Q1).version

    app.assess_milestone(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "M1", AssessmentStatus.MET, "audit attached", seen)

    with pytest.raises(StaleVersionError):
        app.assess_milestone(COMMISSIONER, scheme_id, Q1, COMMUNITY_ID, "M1", AssessmentStatus.MET, "ok", seen)
    with pytest.raises(StaleVersionError):
        app.close_quarter(COMMISSIONER, scheme_id, Q1, expected_version=seen)


def test_disabling_an_account_checks_its_version(app: Corral) -> None:
    programme_set_up(app, ACUTE_ID)
    opened = app.register_user(OPERATOR, "colin", COMMUNITY_ID, COMMUNITY.role, "hash")

    with pytest.raises(StaleVersionError):
        app.disable_user(OPERATOR, "colin", "left", expected_version=opened.version + 1)
    assert app.disable_user(OPERATOR, "colin", "left", expected_version=opened.version).version == opened.version + 1


def test_sending_evidence_submits_it_when_none_is_there_then_revises_it_against_the_version_its_author_saw(
    app: Corral,
) -> None:
    scheme_id = agreed_scheme(app).scheme_id

    submitted = app.send_evidence(COMMUNITY, scheme_id, "M1", narrative(), "", expected_version=0)
    revised = app.send_evidence(COMMUNITY, scheme_id, "M1", narrative("With August."), "added August", 1)

    with pytest.raises(StaleVersionError, match="submission is at version 2, not 0"):
        app.send_evidence(COMMUNITY, scheme_id, "M1", narrative("A second first."), "", expected_version=0)
    with pytest.raises(StaleVersionError):
        app.send_evidence(ACUTE, scheme_id, "M1", narrative(), "", expected_version=1)
    assert event_names(app, submitted.id) == ["EvidenceSubmitted", "EvidenceRevised"]
    assert revised.version == 2 and app.submission(submitted.id).evidence().narrative == "With August."
