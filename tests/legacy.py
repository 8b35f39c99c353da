"""Values and events as an old log may hold them: recorded past every check today's domain makes, as a value
recorded before a check existed was. Value objects are built without running their checks, and events are
recorded through an aggregate's constructor or its private `@event` methods, never its public commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import uuid4

from eventsourcing.persistence import JSONTranscoder, StoredEvent

from domain.application import Corral

T = TypeVar("T")


def unchecked(cls: type[T], **values: Any) -> T:
    """An instance of the frozen dataclass `cls` with these field values, its `__post_init__` never run."""
    built = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(built, name, value)
    return built


def recorded(app: Corral, *aggregates: Any) -> int:
    """Save the aggregates' pending events as they are; the log position of the last."""
    recordings = app.save(*aggregates)
    return recordings[-1].notification.id


@contextmanager
def escaping_non_ascii(app: Corral) -> Iterator[None]:
    """Save events with every non-ASCII character escaped, as JSON allows: a lone surrogate, which UTF-8 cannot
    encode, is then written as `\\ud800` and read back as itself."""
    transcoder = app.mapper.transcoder
    assert isinstance(transcoder, JSONTranscoder)
    plain = transcoder.encoder
    transcoder.encoder = json.JSONEncoder(default=transcoder._encode_obj, separators=(",", ":"), ensure_ascii=True)
    try:
        yield
    finally:
        transcoder.encoder = plain


def undecodable_event(app: Corral, topic: str = "domain.retired:Retired.Happened") -> int:
    """Record an event of a type no code defines any longer; its log position."""
    stored = StoredEvent(originator_id=uuid4(), originator_version=1, topic=topic, state=b"{}")
    recordings = app.recorder.insert_events([stored])
    assert recordings
    app.recorded.set()
    return recordings[-1]


def recorded_without(app: Corral, aggregate: Any, *fields: str) -> int:
    """Save the aggregate's pending events with the named fields taken out of what is stored, wherever they sit in
    it, as events recorded before those fields existed were; the log position of the last."""
    stored = []
    for domain_event in aggregate.collect_events():
        event = app.mapper.to_stored_event(domain_event)
        state = json.dumps(_without(json.loads(event.state), fields), separators=(",", ":")).encode()
        stored.append(StoredEvent(event.originator_id, event.originator_version, event.topic, state))
    recordings = app.recorder.insert_events(stored)
    assert recordings
    app.recorded.set()
    return recordings[-1]


def _without(value: Any, fields: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, fields) for k, v in value.items() if k not in fields}
    if isinstance(value, list):
        return [_without(v, fields) for v in value]
    return value
