"""Reading stored events back quickly: the floor of every rebuild, catch-up and wake-up.

The transcoder and mapper here return exactly what eventsourcing's own return, raise the same errors for what
cannot be decoded, and write byte for byte what they write (the log's hash chain covers those bytes); they only
spend less on the way. Decoding's cost is in the JSON object hook, called for every object in a stored event, and
in the value types it decodes, ids above all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from json.scanner import make_scanner
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding, TranscodingNotRegisteredError
from eventsourcing.persistence import UUIDAsHex, find_id_convertor

REMEMBERED_IDS = 4_096

Decode = Callable[[Any], Any]


def remembered(parse: Callable[[str], UUID]) -> Callable[[Any], UUID]:
    """`parse`, with the id it gave for a text given again while that text is among the last REMEMBERED_IDS read:
    the same few organisations', programmes' and aggregates' ids are read again and again (UUIDs are immutable)."""
    ids: dict[str, UUID] = {}

    def read(text: Any) -> UUID:
        try:
            return ids[text]
        except (KeyError, TypeError):
            pass
        uuid = parse(text)
        if len(ids) >= REMEMBERED_IDS:
            ids.clear()
        ids[text] = uuid
        return uuid

    return read


class UUIDAsRememberedHex(UUIDAsHex):
    """Ids as eventsourcing writes them (hex), and reads them, but remembered (an id in almost every event)."""

    def __init__(self) -> None:
        self.decode = remembered(UUIDAsHex().decode)  # type: ignore[method-assign,assignment]


class QuickJSONTranscoder(JSONTranscoder):
    """eventsourcing's JSON transcoder with a cheaper object hook: one test for the common plain object, then one
    lookup of the registered decoding; and the document scanned at once rather than through `JSONDecoder.decode`'s
    whitespace checks (anything but a bare document is handed to it, for its result or its error)."""

    def __init__(self) -> None:
        self.decodings: dict[str, Decode] = {}
        super().__init__()
        self.scan: Callable[[str, int], tuple[Any, int]] = make_scanner(cast(Any, self.decoder))  # its scan_once

    def register(self, transcoding: Transcoding) -> None:
        """Registers given transcoding with the transcoder."""
        super().register(transcoding)
        self.decodings[transcoding.name] = transcoding.decode

    def decode(self, data: bytes) -> Any:
        """Decodes bytes array as previously encoded object."""
        text = data.decode("utf8")
        try:
            decoded, end = self.scan(text, 0)
        except StopIteration:
            return self.decoder.decode(text)
        return decoded if end == len(text) else self.decoder.decode(text)

    def _decode_obj(self, d: dict[str, Any]) -> Any:
        if "_type_" not in d or len(d) != 2 or "_data_" not in d:
            return d
        name = d["_type_"]
        try:
            decode = self.decodings[name]
        except KeyError as e:
            msg = (
                f"Data serialized with name '{cast('str', name)}' is not "
                "deserializable. Please register a "
                "custom transcoding for this type."
            )
            raise TranscodingNotRegisteredError(msg) from e
        return decode(d["_data_"])


class QuickMapper(Mapper[UUID]):
    """eventsourcing's mapper, with what it works out afresh for each event (the class its topic names, how that class
    converts ids, which version it is at) worked out once, by the first event of each topic, which it maps itself (a
    topic once resolved always names the same class); encrypted or compressed events are mapped as it maps them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans: dict[tuple[str, type], tuple[type, Callable[[Any], Any], int]] = {}

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        """Converts the given :class:`StoredEvent` to a domain event object."""
        originator_id = stored_event.originator_id
        plan = self.plans.get((stored_event.topic, type(originator_id)))
        if plan is None or self.cipher or self.compressor:
            return self._first(stored_event)
        cls, id_convertor, class_version = plan
        try:
            event_state: dict[str, Any] = self.transcoder.decode(stored_event.state)
        except Exception:
            return super().to_domain_event(stored_event)  # which fails as it does, with its message
        event_state["originator_id"] = id_convertor(originator_id)
        event_state["originator_version"] = stored_event.originator_version
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        domain_event: Any = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return domain_event

    def _first(self, stored_event: StoredEvent) -> Any:
        domain_event = super().to_domain_event(stored_event)
        if not (self.cipher or self.compressor):
            cls: Any = type(domain_event)
            id_type = type(stored_event.originator_id)
            plan = (cls, find_id_convertor(cls, cast(Hashable, id_type)), getattr(cls, "class_version", 1))
            self.plans[stored_event.topic, id_type] = plan
        return domain_event
