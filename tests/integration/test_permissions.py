"""Who may do what, enforced by the application whatever the caller."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import DomainError, NotPermittedError
from domain.milestones import Quarter
from domain.organisation import WrongKindOfOrganisationError
from domain.scheme import NotAParticipantError
from tests.builders import ACUTE, ACUTE_ID, ADMIN, AUDITOR, COMMISSIONER, COMMISSIONER_ID
from tests.builders import COMMUNITY, COMMUNITY_ID, PRIVATE, narrative, terms
from tests.integration.given import agreed_scheme, event_count, organisations_registered
from tests.integration.given import presented, programme_set_up, provider_terms

Q1 = Quarter.Q1


def test_an_auditor_reads_everything_and_changes_nothing(app: Corral) -> None:
    agreed = agreed_scheme(app)
    ids = presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))
    attempts: list[Callable[[], object]] = [
        lambda: app.designate_lead(AUDITOR, agreed.scheme_id, COMMUNITY_ID, reason="Audit"),
        lambda: app.propose_variation(AUDITOR, agreed.scheme_id, terms(), reason="Audit"),
        lambda: app.submit_evidence(AUDITOR, agreed.scheme_id, "M1", narrative()),
        lambda: app.query_pack(AUDITOR, agreed.scheme_id, Q1, "Why?"),
        lambda: app.assess_milestone(AUDITOR, agreed.scheme_id, Q1, ACUTE_ID, "M1", AssessmentStatus.MET, "Fine"),
    ]
    before = event_count(app)

    for attempt in attempts:
        with pytest.raises(NotPermittedError):
            attempt()

    assert event_count(app) == before
    assert app.submission(ids[ACUTE_ID, "M1"]).evidence() == narrative()


def test_an_administrator_has_no_say_in_schemes(app: Corral) -> None:
    programme_id = programme_set_up(app)
    before = event_count(app)

    with pytest.raises(NotPermittedError):
        app.draft_scheme(ADMIN, programme_id, "SELFHARM", terms())
    with pytest.raises(DomainError):
        app.set_up_programme(ADMIN, "Plymouth", 2014)

    assert event_count(app) == before


def test_a_provider_cannot_revise_or_withdraw_another_providers_evidence(app: Corral) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative()).id

    with pytest.raises(NotPermittedError):
        app.revise_evidence(COMMUNITY, submission_id, narrative("Overwritten."), reason="Mischief")
    with pytest.raises(NotPermittedError):
        app.withdraw_evidence(COMMUNITY, submission_id, reason="Mischief")

    assert app.submission(submission_id).version == 1


def test_a_provider_outside_a_scheme_cannot_submit_to_it(app: Corral) -> None:
    agreed = agreed_scheme(app, participants=(ACUTE_ID, COMMUNITY_ID))
    before = event_count(app)

    with pytest.raises(NotAParticipantError):
        app.submit_evidence(PRIVATE, agreed.scheme_id, "M1", narrative())

    assert event_count(app) == before


def test_a_provider_cannot_set_up_a_programme(app: Corral) -> None:
    organisations_registered(app)

    with pytest.raises(NotPermittedError):
        app.set_up_programme(ACUTE, "Torbay", 2014)


def test_a_commissioner_cannot_join_a_programme_as_a_provider(app: Corral) -> None:
    programme_id = programme_set_up(app)

    with pytest.raises(WrongKindOfOrganisationError):
        app.join_programme(COMMISSIONER, programme_id, provider_terms(COMMISSIONER_ID))
