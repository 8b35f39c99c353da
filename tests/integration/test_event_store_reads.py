"""The event store reads with statements built once, and answers exactly as eventsourcing-sqlalchemy's own reads."""

from __future__ import annotations

import pytest
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder

from domain.application import Corral
from tests.integration.given import agreed_scheme

LIBRARY = SQLAlchemyApplicationRecorder

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
def test_an_aggregates_events_are_read_as_the_library_reads_them(app: Corral, query: dict[str, object]) -> None:
    agreed = agreed_scheme(app)  # the programme set up, joined, its scheme added and led; the scheme drafted, signed

    for aggregate_id in (agreed.programme_id, agreed.scheme_id):
        ours = app.recorder.select_events(aggregate_id, **query)
        assert ours == LIBRARY.select_events(app.recorder, aggregate_id, **query)
    assert app.recorder.select_events(agreed.programme_id, **query) or query == {"gt": 99}


def test_the_log_is_read_as_the_library_reads_it(app: Corral) -> None:
    agreed_scheme(app)
    topic = app.recorder.select_notifications(start=1, limit=1)[0].topic
    queries = [
        {"start": 1, "limit": 5},
        {"start": 3, "limit": 10, "stop": 6},
        {"start": None, "limit": 4},
        {"start": 3, "limit": 100, "inclusive_of_start": False},
        {"start": 1, "limit": 100, "topics": [topic]},
        {"start": 1000, "limit": 10},
    ]

    for query in queries:
        ours = app.recorder.select_notifications(**query)  # type: ignore[arg-type]
        assert ours == LIBRARY.select_notifications(app.recorder, **query)  # type: ignore[arg-type]
        assert ours or query["start"] == 1000
