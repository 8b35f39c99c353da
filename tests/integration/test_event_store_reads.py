"""The event store reads with statements built once, and answers exactly as eventsourcing-sqlalchemy's own reads."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.application import Repository, project_aggregate
from eventsourcing_sqlalchemy.recorders import SQLAlchemyAggregateRecorder, SQLAlchemyApplicationRecorder

from api.storage.event_store import BuiltOnceReads, JoiningRecorder
from domain.application import Corral
from tests.integration.given import agreed_scheme

LIBRARY = SQLAlchemyApplicationRecorder
AGGREGATES = SQLAlchemyAggregateRecorder  # the snapshots' recorder in the library

EVENT_QUERIES = [
    {},
    {"gt": 2},
    {"lte": 3},
    {"gt": 1, "lte": 4},
    {"desc": True},
    {"desc": True, "limit": 2},
    {"limit": 3},
    {"gt": 1, "desc": True, "limit": 1},
    {"gt": 99},
]


@pytest.mark.parametrize("query", EVENT_QUERIES, ids=str)
def test_an_aggregates_events_are_read_as_the_library_reads_them(app: Corral, query: dict[str, Any]) -> None:
    agreed = agreed_scheme(app)  # the programme set up, joined, its scheme added and led; the scheme drafted, signed
    assert isinstance(app.recorder, JoiningRecorder)  # ours, compared below with the library's

    for aggregate_id in (agreed.programme_id, agreed.scheme_id):
        ours = app.recorder.select_events(aggregate_id, **query)
        assert ours == LIBRARY.select_events(app.recorder, aggregate_id, **query)
    assert app.recorder.select_events(agreed.programme_id, **query) or query == {"gt": 99}


def test_the_log_is_read_as_the_library_reads_it(app: Corral) -> None:
    agreed_scheme(app)
    assert isinstance(app.recorder, JoiningRecorder)  # ours, compared below with the library's
    topic = app.recorder.select_notifications(start=1, limit=1)[0].topic
    queries: list[dict[str, Any]] = [
        {"start": 1, "limit": 5},
        {"start": 3, "limit": 10, "stop": 6},
        {"start": None, "limit": 4},
        {"start": 3, "limit": 100, "inclusive_of_start": False},
        {"start": 1, "limit": 100, "topics": [topic]},
        {"start": 1000, "limit": 10},
    ]

    for query in queries:
        ours = app.recorder.select_notifications(**query)
        assert ours == LIBRARY.select_notifications(app.recorder, **query)
        assert ours or query["start"] == 1000


def test_snapshots_are_read_as_the_library_reads_them(app: Corral) -> None:
    agreed = agreed_scheme(app)
    app.take_snapshot(agreed.programme_id, version=3)
    app.take_snapshot(agreed.programme_id)
    assert app.snapshots is not None
    snapshots = app.snapshots.recorder
    assert isinstance(snapshots, BuiltOnceReads)  # ours, compared below with the library's

    queries: list[dict[str, Any]] = [{}, {"desc": True, "limit": 1}, {"desc": True, "limit": 1, "lte": 4}, {"lte": 2}]
    for query in queries:
        ours = snapshots.select_events(agreed.programme_id, **query)
        assert ours == AGGREGATES.select_events(snapshots, agreed.programme_id, **query)
    latest_by_four = snapshots.select_events(agreed.programme_id, desc=True, limit=1, lte=4)
    assert [snapshot.originator_version for snapshot in latest_by_four] == [3]
    assert snapshots.select_events(agreed.programme_id, lte=2) == []


def test_an_aggregate_is_read_whole_in_one_statement_as_the_library_reads_it_in_two(app: Corral) -> None:
    agreed = agreed_scheme(app)
    assert app.snapshots is not None
    log, snapshots = app.recorder, app.snapshots.recorder
    assert isinstance(log, JoiningRecorder)

    def library(aggregate_id: Any) -> tuple[Any, Any]:
        latest = AGGREGATES.select_events(snapshots, aggregate_id, desc=True, limit=1)
        after = LIBRARY.select_events(log, aggregate_id, gt=latest[0].originator_version if latest else None)
        return latest, after

    assert log.select_latest(agreed.programme_id, snapshots) == library(agreed.programme_id)  # no snapshot yet
    app.take_snapshot(agreed.programme_id, version=2)
    app.take_snapshot(agreed.programme_id, version=3)
    latest, after = log.select_latest(agreed.programme_id, snapshots)
    assert (latest, after) == library(agreed.programme_id)
    assert [s.originator_version for s in latest] == [3] and after  # the newest snapshot, then only what follows it
    app.take_snapshot(agreed.programme_id)
    assert log.select_latest(agreed.programme_id, snapshots)[1] == []  # the snapshot is the whole of it
    assert log.select_latest(uuid4(), snapshots) == ([], [])  # nothing of it: found absent in one read

    app.repository.forget()  # loaded afresh: from the latest snapshot and what follows, as the library loads it
    ours = app.repository.get(agreed.programme_id)
    theirs = Repository._reconstruct_aggregate(app.repository, agreed.programme_id, None, project_aggregate)  # noqa: SLF001
    assert ours.__dict__ == theirs.__dict__ and ours.version == theirs.version
