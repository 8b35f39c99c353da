"""The event store reads with statements built once, and answers exactly as eventsourcing-sqlalchemy's own reads."""

from __future__ import annotations

from typing import Any

import pytest
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
