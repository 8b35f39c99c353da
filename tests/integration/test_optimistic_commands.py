"""A use case decides on what its process's cache holds, without reading the log first, while that process has seen
nothing newer than its own last save (domain/scopes.py); what it read is checked as it saves, or before it answers.
Two applications on one event store stand for two processes: whatever one records before the other's command
saves, the other's command is decided again on it, never on what it last saw."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import ids
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import NotFoundError
from domain.milestones import Quarter
from domain.quarter_review import ReviewStatus
from domain.repository import LogFollowingRepository
from domain.review_errors import QuarterClosedError
from domain.scopes import Scope
from domain.service import Recorded
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, narrative
from tests.integration.given import agreed_scheme, event_names, presented


@pytest.fixture
def other(settings: Settings, app: Corral) -> Iterator[Corral]:
    """A second application on the same event store: another process."""
    second = build_application(settings)
    yield second
    second.close()


def test_a_provider_cannot_submit_to_a_quarter_another_process_closed_since_this_one_saw_it_open(
    app: Corral, other: Corral
) -> None:
    agreed = agreed_scheme(app)
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()))
    assert app.quarter_review(agreed.scheme_id, Quarter.Q1).status is ReviewStatus.PRESENTED  # seen open, cached

    for provider_id, status in ((ACUTE_ID, AssessmentStatus.MET), (COMMUNITY_ID, AssessmentStatus.NOT_MET)):
        other.assess_milestone(COMMISSIONER, agreed.scheme_id, Quarter.Q1, provider_id, "M1", status, "Assessed.")
    other.close_quarter(COMMISSIONER, agreed.scheme_id, Quarter.Q1)
    assert app.repository.at_head  # as far as this process knows: its next command stands on its cache

    with pytest.raises(QuarterClosedError):
        app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative("Too late."))
    assert not app.exists(ids.submission_id(agreed.scheme_id, "M1", COMMUNITY_ID))


def test_two_processes_nudging_one_provider_each_record_their_nudge_and_neither_is_refused(
    app: Corral, other: Corral
) -> None:
    agreed = agreed_scheme(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due.")
    other.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "It is due on Friday.")

    recorded = app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "It is due today.")

    review_id = ids.quarter_review_id(agreed.scheme_id, Quarter.Q1)
    assert recorded.version == 4
    assert event_names(app, review_id).count("ProviderNudgedByLead") == 3


def test_a_command_refused_on_what_this_process_last_saw_is_decided_again_on_what_another_recorded(
    app: Corral, other: Corral
) -> None:
    agreed = agreed_scheme(app)
    submission_id = ids.submission_id(agreed.scheme_id, "M1", ACUTE_ID)
    with pytest.raises(NotFoundError):
        app.submission(submission_id)  # remembered here as not there

    other.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("First."))
    revised = app.revise_evidence(ACUTE, submission_id, narrative("Second."), "the audit finished")

    assert revised.version == 2
    assert [e.narrative for e in other.submission(submission_id).revisions] == ["First.", "Second."]


def test_what_a_read_answers_is_what_another_process_recorded_before_it_answered(app: Corral, other: Corral) -> None:
    agreed = agreed_scheme(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due.")
    assert app.quarter_review(agreed.scheme_id, Quarter.Q1).version == 2  # cached here

    other.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "It is due on Friday.")

    assert app.quarter_review(agreed.scheme_id, Quarter.Q1).version == 3


def test_a_save_by_another_thread_here_that_the_cache_took_before_a_command_read_it_is_no_conflict(
    app: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed = agreed_scheme(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due.")
    stood_on = LogFollowingRepository.catch_up
    meanwhile: list[Recorded] = []
    once = threading.Lock()

    def another_thread_saves_as_this_command_stands_on_the_cache(repository: LogFollowingRepository) -> Scope | None:
        scope = stood_on(repository)
        if scope is not None and scope.checking and once.acquire(blocking=False):
            nudge = threading.Thread(
                target=lambda: meanwhile.append(
                    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "It is due on Friday.")
                )
            )
            nudge.start()
            nudge.join(10)
        return scope

    monkeypatch.setattr(LogFollowingRepository, "catch_up", another_thread_saves_as_this_command_stands_on_the_cache)
    recorded = app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "It is due today.")

    assert [r.version for r in meanwhile] == [3] and recorded.version == 4  # it read the review after the other save
