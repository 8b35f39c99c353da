"""Corral reads its log through a quicker transcoder and mapper (domain/decoding.py) than eventsourcing's own, and
through quicker decodings of enums and value objects: whatever the log holds, they give what eventsourcing's
decoding gives, to the type and the order of every object's fields, or fail with the same error; and they write
what it writes, byte for byte, for the hash chain covers those bytes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, StoredEvent, UUIDAsHex
from hypothesis import given, settings
from hypothesis import strategies as st
from eventsourcing.utils import get_topic

from domain.application import Corral
from domain.organisation import Organisation
from domain.decoding import QuickJSONTranscoder, QuickMapper, UUIDAsRememberedHex
from domain.transcoding import ENUMS, VALUE_OBJECTS, DataclassAsDict, EnumAsValue, register_value_types
from tests.builders import COMMISSIONER
from tests.unit.test_transcoding import HISTORIES, SAMPLES

ON_POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
RENAMED = {"name": "Torbay and South Devon", "reason": "merged", "actor": COMMISSIONER}


def corral_mapper() -> Mapper[Any]:
    """The mapper Corral reads and writes its log with."""
    return Corral(env=ON_POPO).mapper


def eventsourcing_mapper() -> Mapper[Any]:
    """eventsourcing's own mapper and transcoder, with the same value types registered as Corral registers."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_value_types(transcoder)
    return Mapper(transcoder=transcoder)


def outcome(decode: Any, data: Any) -> Any:
    """What decoding gives, to the type of every value and the order of every object's fields; or its error."""
    try:
        return shape(decode(data))
    except Exception as error:  # noqa: BLE001  # the error is the outcome compared
        return ("raised", type(error), str(error))


def shape(value: Any) -> Any:
    kind = type(value)
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=repr) if kind in (set, frozenset) else value
        return kind, tuple(shape(item) for item in items)
    if kind is dict:
        return kind, tuple((key, shape(item)) for key, item in value.items())
    if kind is Decimal:
        return kind, str(value)
    if hasattr(value, "__dict__") and not isinstance(value, Enum):
        return kind, shape(vars(value))
    return kind, value


def test_corral_reads_its_log_through_the_quicker_mapper_unless_told_otherwise() -> None:
    stock = {
        "TRANSCODER_TOPIC": "eventsourcing.persistence:JSONTranscoder",
        "MAPPER_TOPIC": "eventsourcing.persistence:Mapper",
    }
    quick, told = corral_mapper(), Corral(env=ON_POPO | stock).mapper

    assert (type(quick), type(quick.transcoder)) == (QuickMapper, QuickJSONTranscoder)
    assert (type(told), type(told.transcoder)) == (Mapper, JSONTranscoder)


@pytest.mark.parametrize("history", HISTORIES.values(), ids=HISTORIES.keys())
def test_every_event_is_written_byte_for_byte_as_before_and_read_back_the_same(history: Any) -> None:
    aggregate = history()
    events = [*aggregate.collect_events(), type(aggregate).Snapshot.take(aggregate)]
    quick, stock = corral_mapper(), eventsourcing_mapper()

    for event in events:
        stored = quick.to_stored_event(event)
        assert stored == stock.to_stored_event(event)
        assert outcome(quick.to_domain_event, stored) == outcome(stock.to_domain_event, stored)


json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["_type_", "_data_"]),
)
registered = st.sampled_from(
    [*SAMPLES, *(member for enum in ENUMS for member in enum), UUID(int=7), Decimal("-1.50"), date(2015, 3, 31)]
    + [datetime(2014, 5, 1, 9, 30, tzinfo=UTC)]
)
names = st.sampled_from(["uuid_hex", "decimal_str", "date_iso", "datetime_iso", "Quarter", "Actor", "Gone"])
wrappers = st.one_of(
    st.builds(lambda name, data: {"_type_": name, "_data_": data}, names, json_leaves),
    st.dictionaries(st.sampled_from(["_type_", "_data_", "x"]), st.one_of(names, json_leaves), max_size=3),
)
documents = st.recursive(
    st.one_of(json_leaves, registered, wrappers),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
edits = st.sampled_from([lambda b: b, lambda b: b" " + b, lambda b: b + b"\n", lambda b: b + b"}", lambda b: b[:-1]])


@settings(max_examples=400, deadline=None)
@given(documents, edits)
def test_any_document_decodes_as_eventsourcings_transcoder_decodes_it_or_fails_alike(document: Any, edit: Any) -> None:
    quick, stock = corral_mapper().transcoder, eventsourcing_mapper().transcoder
    data = edit(stock.encode(document))

    assert outcome(quick.decode, data) == outcome(stock.decode, data)
    assert outcome(quick.decode, data) == outcome(quick.decode, data)  # read again: ids remembered the same


@pytest.mark.parametrize(
    "stored",
    [
        StoredEvent(UUID(int=1), 1, "domain.organisation:Organisation.Renamed", b'{"timestamp":'),
        StoredEvent(UUID(int=1), 1, "domain.organisation:Organisation.Renamed", b'{"a":{"_type_":"Gone","_data_":1}}'),
        StoredEvent(UUID(int=1), 1, "domain.organisation:Organisation.Renamed", b"[1]"),
        StoredEvent(UUID(int=1), 1, "domain.retired:Retired.Happened", b"{}"),
    ],
    ids=["cut short", "of an unknown type", "not an object", "of a class no longer defined"],
)
def test_an_event_that_cannot_be_read_fails_with_eventsourcings_error_first_or_after_others_of_its_topic(
    stored: StoredEvent,
) -> None:
    quick, stock = corral_mapper(), eventsourcing_mapper()
    expected = outcome(stock.to_domain_event, stored)

    assert outcome(quick.to_domain_event, stored) == expected
    renamed = Organisation.Renamed(
        originator_id=UUID(int=1), originator_version=2, timestamp=datetime(2014, 5, 1, tzinfo=UTC), **RENAMED
    )
    quick.to_domain_event(quick.to_stored_event(renamed))  # what it works out once for the topic, worked out
    assert outcome(quick.to_domain_event, stored) == expected


class Versioned(Aggregate):
    """An aggregate whose event gained a field in its second version."""

    class Happened(Aggregate.Event):
        class_version = 2
        note: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["note"] = "recorded before notes"


@pytest.mark.parametrize("state", [b'{"timestamp":{"_type_":"datetime_iso","_data_":"2014-05-01T00:00:00+00:00"}}'])
def test_an_event_recorded_at_an_older_class_version_is_upcast_as_eventsourcing_upcasts_it(state: bytes) -> None:
    stored = StoredEvent(UUID(int=2), 1, get_topic(Versioned.Happened), state)
    quick = corral_mapper()

    for _ in range(2):  # the second time from what it worked out the first
        assert outcome(quick.to_domain_event, stored) == outcome(eventsourcing_mapper().to_domain_event, stored)
    assert quick.to_domain_event(stored).note == "recorded before notes"


hex_ids = st.integers(0, 2**128 - 1).map(lambda number: f"{number:032x}")
id_texts = st.one_of(
    hex_ids,
    hex_ids.map(lambda h: str(UUID(h))),
    hex_ids.map(lambda h: "{" + h + "}"),
    hex_ids.map(lambda h: "urn:uuid:" + h),
    hex_ids.map(lambda h: h.upper()),
    hex_ids.map(lambda h: "-" + h[1:]),
    hex_ids.map(lambda h: "+" + h[1:]),
    hex_ids.map(lambda h: " " + h[1:]),
    hex_ids.map(lambda h: h[:4] + "_" + h[5:]),
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(id_texts, json_leaves, st.lists(json_leaves, max_size=2)))
def test_an_id_decodes_as_eventsourcings_uuid_hex_decodes_it_or_fails_alike(data: Any) -> None:
    quick, stock = UUIDAsRememberedHex(), UUIDAsHex()

    for _ in range(2):  # the second time remembered
        assert outcome(quick.decode, data) == outcome(stock.decode, data)
        assert outcome(lambda d: hash(quick.decode(d)), data) == outcome(lambda d: hash(stock.decode(d)), data)


enum_values = st.one_of(
    json_leaves, st.lists(json_leaves, max_size=2), st.sampled_from([m.value for e in ENUMS for m in e])
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ENUMS), enum_values)
def test_an_enum_decodes_as_the_enum_itself_takes_the_value_or_fails_alike(enum: type[Enum], data: Any) -> None:
    assert outcome(EnumAsValue(enum).decode, data) == outcome(enum, data)


def records(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    """Records of a value object as a log may hold them: today's fields in any order, some missing, some unknown,
    and arrays where tuples belong."""
    fields = [f.name for f in dataclasses.fields(cls)]
    values = st.one_of(json_leaves, st.lists(json_leaves, max_size=3), st.sampled_from(SAMPLES))
    complete = st.fixed_dictionaries({name: values for name in fields})
    today = complete.map(lambda r: {n: v for n, v in r.items() if n in DataclassAsDict(cls).recorded})
    shuffled = st.permutations(fields).flatmap(lambda order: st.fixed_dictionaries({n: values for n in order}))
    odd = st.dictionaries(st.sampled_from([*fields, "gone"]), values, max_size=len(fields) + 1)
    return st.one_of(today, complete, shuffled, odd)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(VALUE_OBJECTS).flatmap(lambda cls: st.tuples(st.just(cls), records(cls))))
def test_a_value_object_decodes_as_when_rebuilt_field_by_field_or_fails_alike(case: tuple[type, Any]) -> None:
    cls, record = case
    transcoding = DataclassAsDict(cls)

    assert outcome(transcoding.decode, dict(record)) == outcome(transcoding.rebuilt, dict(record))
