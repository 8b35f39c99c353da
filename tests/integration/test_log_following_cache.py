"""Each process caches aggregates and keeps them current from the log (domain/repository.py): two applications on one
event store stand for two processes. What one records, the other's next command sees; what did not exist when one
looked is found once the other records it; and nothing the cache holds is ever what a command changed but did not
save."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from api.storage.settings import Settings
from api.storage.wiring import build_application
from domain import repository
from domain.application import Corral
from domain.errors import NotFoundError
from domain.milestones import Quarter
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.repository import SharedAggregateChangedError
from domain.scopes import NotAtHandError, at_hand_only, command_scope
from tests.builders import ACUTE, COMMISSIONER, COMMUNITY_ID, narrative
from tests.integration.given import agreed_scheme


@pytest.fixture
def other(settings: Settings, app: Corral) -> Iterator[Corral]:
    """A second application on the same event store: another process."""
    second = build_application(settings)
    yield second
    second.close()


def test_what_another_process_records_is_seen_by_the_next_command_here(app: Corral, other: Corral) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative("First.")).id
    assert app.submission(submission_id).version == 1  # cached here now

    other.revise_evidence(ACUTE, submission_id, narrative("Second."), "the audit finished", expected_version=1)
    app.revise_evidence(ACUTE, submission_id, narrative("Third."), "a late correction", expected_version=2)

    assert [e.narrative for e in other.submission(submission_id).revisions] == ["First.", "Second.", "Third."]


def test_a_review_that_was_not_there_is_found_once_another_process_opens_it(app: Corral, other: Corral) -> None:
    agreed = agreed_scheme(app)
    with pytest.raises(NotFoundError):
        app.quarter_review(agreed.scheme_id, Quarter.Q1)  # remembered as absent here

    other.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due on Friday.")

    assert app.quarter_review(agreed.scheme_id, Quarter.Q1).version == 2  # opened, then the nudge


def test_a_process_far_behind_the_log_starts_its_cache_again_and_reads_it_right(
    app: Corral, other: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "CATCH_UP_LIMIT", 3)
    agreed = agreed_scheme(app)
    assert app.scheme(agreed.scheme_id).version > 0
    for day in range(5):
        other.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, f"Reminder {day}.")

    assert app.quarter_review(agreed.scheme_id, Quarter.Q1).version == 6
    assert app.scheme(agreed.scheme_id).version == other.scheme(agreed.scheme_id).version


def test_a_command_that_changes_an_aggregate_it_loaded_to_read_only_is_refused_and_the_cache_reloads_it(
    app: Corral,
) -> None:
    agreed = agreed_scheme(app)
    shared = app._read(Programme, agreed.programme_id)
    another = uuid4()
    shared.add_scheme(COMMISSIONER, another, "ANOTHER")  # a bug: changing what every command shares

    with pytest.raises(SharedAggregateChangedError):
        app._read(Programme, agreed.programme_id)
    assert app._read(Programme, agreed.programme_id).scheme_ids == [agreed.scheme_id]


def test_an_event_this_process_cannot_apply_costs_only_its_own_aggregate(app: Corral, other: Corral) -> None:
    agreed = agreed_scheme(app)
    scheme = app.scheme(agreed.scheme_id)  # cached here
    unknown = StoredEvent(agreed.scheme_id, scheme.version + 1, "a.later.release:Scheme.Renamed", b"{}")
    other.recorder.insert_events([unknown])  # recorded by a newer release of Corral

    assert app.programme(agreed.programme_id).scheme_ids == [agreed.scheme_id]  # commands go on
    with pytest.raises(Exception, match="Renamed|a.later.release"):
        app.scheme(agreed.scheme_id)  # only this scheme, read from the store, fails


def test_a_catch_up_whose_read_returns_after_a_later_one_was_applied_moves_the_cache_neither_back_nor_twice(
    app: Corral, other: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed = agreed_scheme(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due.")
    review = app.quarter_review(agreed.scheme_id, Quarter.Q1)  # cached here, at version 2
    read_early, applied_late = threading.Event(), threading.Event()
    reading = app.recorder.select_notifications

    def slow_first_read(*args: Any, **kwargs: Any) -> Any:
        newer = reading(*args, **kwargs)
        if not read_early.is_set():
            read_early.set()
            applied_late.wait(10)  # its answer arrives after a read begun later has been applied
        return newer

    monkeypatch.setattr(app.recorder, "select_notifications", slow_first_read)
    early = threading.Thread(target=app.repository.catch_up)
    early.start()
    read_early.wait(10)
    other.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "It is due on Friday.")
    app.repository.catch_up()  # a later read, applied first
    position, cached = app.repository.position, app._read(QuarterReview, review.id)
    applied_late.set()
    early.join(10)

    assert cached.version == review.version + 1 and position == app.recorder.max_notification_id()
    assert app.repository.position == position  # the early read, which missed the nudge, did not move it back
    assert app._read(QuarterReview, review.id) is cached  # nor applied anything again


def reads_of_the_log(app: Corral, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The start of each read of the log's newer events from now on, and of each aggregate read from the store."""
    reads: list[int] = []
    reading, whole = app.recorder.select_notifications, app.recorder.select_events

    def counted(start: Any, *args: Any, **kwargs: Any) -> Any:
        reads.append(start)
        return reading(start, *args, **kwargs)

    def counted_events(*args: Any, **kwargs: Any) -> Any:
        reads.append(-1)
        return whole(*args, **kwargs)

    monkeypatch.setattr(app.recorder, "select_notifications", counted)
    monkeypatch.setattr(app.recorder, "select_events", counted_events)
    return reads


def test_what_a_command_saved_is_cached_as_stored_without_reading_it_back(
    app: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed = agreed_scheme(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due.")
    review_id = app.quarter_review(agreed.scheme_id, Quarter.Q1).id  # cached here, at version 2
    reads = reads_of_the_log(app, monkeypatch)

    with command_scope():
        recorded = app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "It is due on Friday.")
        cached = app._read(QuarterReview, review_id)  # the same scope: what it saved, not read back

    assert len(reads) == 1  # the command's one catch-up, before it decided
    assert cached.version == 3 and app.repository.position == recorded.position
    stored = app.repository._reconstruct_aggregate(review_id, None, repository.mutated)  # noqa: SLF001
    assert cached.__dict__ == stored.__dict__  # what the store's events make it, not the command's own copy


def test_events_saved_past_a_gap_are_not_taken_and_the_next_load_reads_the_log_for_what_lies_between(
    app: Corral, other: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed = agreed_scheme(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due.")
    review_id = app.quarter_review(agreed.scheme_id, Quarter.Q1).id

    with command_scope():
        app._read(QuarterReview, review_id)  # this scope has caught up
        caught_up_to = app.repository.position
        assert caught_up_to is not None
        for message in ("From elsewhere.", "And again."):  # another process's commands, not in this scope
            elsewhere = threading.Thread(
                target=other.nudge_provider, args=(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, message)
            )
            elsewhere.start()
            elsewhere.join(10)
        second = app.recorder.select_notifications(caught_up_to + 2, 1)  # as if this process had saved it
        app.repository.saved(second)

        assert app.repository.position == caught_up_to  # not taken: the first lies between
        reads = reads_of_the_log(app, monkeypatch)
        assert app._read(QuarterReview, review_id).version == 4 and reads == [caught_up_to]  # both, from the log


def review_one_short_of_a_snapshot(app: Corral, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, UUID]:
    """A scheme whose Q1 review, cached here, is at version 3 of a snapshot every 4."""
    agreed = agreed_scheme(app)
    monkeypatch.setitem(app.snapshotting_intervals, QuarterReview, 4)
    for day in range(2):  # the first opens the review too
        app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, f"Reminder {day}.")
    review = app.quarter_review(agreed.scheme_id, Quarter.Q1)
    assert review.version == 3
    return agreed, review.id


def test_a_snapshot_of_what_a_command_saved_is_taken_from_the_cache_and_is_what_the_store_would_rebuild(
    app: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed, review_id = review_one_short_of_a_snapshot(app, monkeypatch)
    reads = reads_of_the_log(app, monkeypatch)

    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "The fourth: a snapshot is due.")

    assert reads == [reads[0]]  # the catch-up alone: the snapshot read nothing
    assert app.snapshots is not None
    (snapshot,) = app.snapshots.get(review_id)
    assert snapshot.originator_version == 4
    rebuilt = app.repository._reconstruct_aggregate(review_id, 4, repository.mutated)  # noqa: SLF001
    assert snapshot.state == type(snapshot).take(rebuilt).state


def test_a_snapshot_is_never_taken_of_a_cached_aggregate_a_command_changed_in_place(
    app: Corral, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed, review_id = review_one_short_of_a_snapshot(app, monkeypatch)

    with command_scope():
        mine = app._get(QuarterReview, review_id)  # a copy, to change
        shared = app._read(QuarterReview, review_id)  # the cache's own, to read only
        shared.nudge(ACUTE, ACUTE.organisation_id, COMMUNITY_ID, "A bug: changed in place, never saved.")
        mine.nudge(ACUTE, ACUTE.organisation_id, COMMUNITY_ID, "The fourth, saved: a snapshot is due.")
        app._save(mine)

    assert app.snapshots is not None
    (snapshot,) = app.snapshots.get(review_id)
    rebuilt = app.repository._reconstruct_aggregate(review_id, 4, repository.mutated)  # noqa: SLF001
    assert snapshot.originator_version == 4 and snapshot.state == type(snapshot).take(rebuilt).state
    assert app._read(QuarterReview, review_id).version == 4  # the changed copy left the cache; read afresh


def test_a_check_at_hand_uses_only_what_this_process_holds_and_says_when_it_would_read_the_store(
    app: Corral, other: Corral
) -> None:
    agreed = agreed_scheme(app)
    app.scheme(agreed.scheme_id)  # cached here
    with command_scope():
        with at_hand_only(), pytest.raises(NotAtHandError):
            app.scheme(agreed.scheme_id)  # this scope has not caught up with the log yet
        app.programme(agreed.programme_id)  # caught up now
        with pytest.raises(NotFoundError):
            app.quarter_review(agreed.scheme_id, Quarter.Q2)  # looked for, and remembered as absent
        with at_hand_only():
            assert app.scheme(agreed.scheme_id).id == agreed.scheme_id
            with pytest.raises(NotFoundError):
                app.quarter_review(agreed.scheme_id, Quarter.Q2)  # known without the store
            with pytest.raises(NotFoundError):
                app.submission(uuid4())  # never recorded: the cache knows every id in the log
    other.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due on Friday.")
    with command_scope(), at_hand_only(), pytest.raises(NotAtHandError):
        app.quarter_review(agreed.scheme_id, Quarter.Q1)  # a new scope must catch up before it may say anything
