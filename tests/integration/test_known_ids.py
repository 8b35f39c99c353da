"""The cache knows the id of every aggregate in the log (domain/known_ids.py): what was never recorded is found absent
without a read of the store, and what another process records is known here at this process's next catch-up. Two
applications on one event store stand for two processes; `at_hand_only` refuses any load that would read the store."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import known_ids, repository
from domain.application import Corral
from domain.errors import NotFoundError
from domain.milestones import Quarter
from domain.scopes import NotAtHandError, at_hand_only, command_scope
from tests.builders import ACUTE, COMMUNITY_ID
from tests.integration.given import agreed_scheme


@pytest.fixture
def other(settings: Settings, app: Corral) -> Iterator[Corral]:
    """A second application on the same event store: another process."""
    second = build_application(settings)
    yield second
    second.close()


def test_a_review_no_one_has_opened_is_known_absent_without_reading_the_store(app: Corral) -> None:
    agreed = agreed_scheme(app)
    with command_scope():
        app.programme(agreed.programme_id)  # this scope has caught up with the log
        with at_hand_only():
            with pytest.raises(NotFoundError):
                app.quarter_review(agreed.scheme_id, Quarter.Q3)
            with pytest.raises(NotFoundError):
                app.submission(uuid4())


def test_a_process_started_on_a_log_knows_what_it_holds_and_reads_only_what_is_there(
    app: Corral, other: Corral
) -> None:
    agreed = agreed_scheme(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due on Friday.")
    with command_scope():
        other.programme(agreed.programme_id)  # its cache starts here, listing the log's aggregates
        with at_hand_only():
            with pytest.raises(NotFoundError):
                other.quarter_review(agreed.scheme_id, Quarter.Q2)  # never opened
            with pytest.raises(NotAtHandError):
                other.quarter_review(agreed.scheme_id, Quarter.Q1)  # there, but not cached: only the store has it
        assert other.quarter_review(agreed.scheme_id, Quarter.Q1).version == 2


def test_what_another_process_records_is_known_here_at_the_next_catch_up_not_before(app: Corral, other: Corral) -> None:
    agreed = agreed_scheme(app)
    with command_scope():
        app.programme(agreed.programme_id)
        elsewhere = threading.Thread(  # a thread of its own, outside this scope, as in another process
            target=other.nudge_provider,
            args=(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due on Friday."),
        )
        elsewhere.start()
        elsewhere.join(10)
        with pytest.raises(NotFoundError):
            app.quarter_review(agreed.scheme_id, Quarter.Q1)  # as of this scope's catch-up, as all it reads
    assert app.quarter_review(agreed.scheme_id, Quarter.Q1).version == 2


def test_a_log_with_more_aggregates_than_the_limit_is_not_listed_and_absence_is_asked_of_the_store(
    app: Corral, other: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed = agreed_scheme(app)
    monkeypatch.setattr(known_ids, "LIMIT", 3)
    with command_scope():
        other.programme(agreed.programme_id)  # its cache starts here, and finds the log too long to list
        assert other.repository.known.ids is None
        with at_hand_only(), pytest.raises(NotAtHandError):
            other.quarter_review(agreed.scheme_id, Quarter.Q3)
        with pytest.raises(NotFoundError):
            other.quarter_review(agreed.scheme_id, Quarter.Q3)
    other.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q3, COMMUNITY_ID, "Your evidence is due on Friday.")
    assert other.quarter_review(agreed.scheme_id, Quarter.Q3).version == 2


def test_a_process_far_behind_the_log_lists_only_the_aggregates_recorded_since_it_last_caught_up(
    app: Corral, other: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "CATCH_UP_LIMIT", 3)
    agreed = agreed_scheme(app)
    other.programme(agreed.programme_id)  # its cache starts here
    listed: list[int | None] = []
    assert isinstance(other.recorder, known_ids.ListsAggregates)
    listing = other.recorder.aggregate_ids

    def counted(after: int | None = None) -> Iterable[Any]:
        listed.append(after)
        return listing(after)

    monkeypatch.setattr(other.recorder, "aggregate_ids", counted)
    before = other.recorder.max_notification_id()
    for quarter in Quarter:
        app.nudge_provider(ACUTE, agreed.scheme_id, quarter, COMMUNITY_ID, "Your evidence is due on Friday.")

    with command_scope():
        for quarter in Quarter:  # each opened while it was behind: known here now, and read from the store
            assert other.quarter_review(agreed.scheme_id, quarter).version == 2
        with at_hand_only(), pytest.raises(NotFoundError):
            other.submission(uuid4())
    assert listed == [before]


def test_every_aggregate_starts_at_version_one_where_the_log_lists_it_from() -> None:
    def kinds(cls: type[Aggregate]) -> Iterator[type[Aggregate]]:
        for kind in cls.__subclasses__():
            yield kind
            yield from kinds(kind)

    ours = [kind for kind in kinds(Aggregate) if kind.__module__.startswith("domain.")]
    assert ours and {kind.__name__: kind.INITIAL_VERSION for kind in ours} == {kind.__name__: 1 for kind in ours}
