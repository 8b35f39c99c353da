"""Teach the event store's JSON transcoder every value type used in events and snapshots."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.evidence import Attachment, Evidence, Figures
from domain.milestones import Direction, MeasureUnit, Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.organisation import OrganisationKind
from domain.organisation import Sector
from domain.on_account import OnAccountBasis
from domain.payment_rules import NotApplicable, PaymentRules, Rounding, Scale
from domain.statements import Settlement, StatementFigures
from domain.programme import ProviderTerms
from domain.assessment import Assessment
from domain.evidence_pack import EvidencePack, PackEntry
from domain.quarter_review import ReviewStatus
from domain.scheme import SchemeStatus
from domain.set_password_links import SetPasswordLink
from domain.scheme_terms import AgreedVersion, PackDeadline, Participant, SchemeTerms
from domain.scheme_terms import Exclusion
from domain.submission import SubmissionStatus


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EnumAsValue(Transcoding):
    def __init__(self, enum: type[Enum]) -> None:
        self.type = enum
        self.name = enum.__name__
        self.members: dict[Any, Enum] = dict(enum._value2member_map_)

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        """The member of this value, looked up as the enum itself first looks it up (the enum decides any other)."""
        try:
            return self.members[data]
        except (KeyError, TypeError):
            member: Enum = self.type(data)
            return member


class DataclassAsDict(Transcoding):
    """A frozen value object as a dict of its fields; JSON arrays come back as tuples.

    Decoding rebuilds the object exactly as it was recorded, without calling its constructor: nothing in
    the log is ever rewritten, so a value recorded before a check was added or tightened must still decode.
    A record of today's fields in today's order (the usual case) is taken as the object's state at once; any
    other is rebuilt field by field (`rebuilt`), to the same object.
    """

    def __init__(self, cls: type) -> None:
        self.type = cls
        self.name = cls.__name__
        self.fields = {f.name: f for f in dataclasses.fields(cls)}
        self.recorded = [f.name for f in dataclasses.fields(cls) if f.metadata.get("recorded", True)]
        self.as_recorded, self.unrecorded = _state_plan(cls, list(self.fields.values()))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self.recorded}

    def decode(self, data: dict[str, Any]) -> Any:
        if tuple(data) != self.as_recorded:
            return self.rebuilt(data)
        state = data.copy()
        for name, value in data.items():
            if isinstance(value, list):
                state[name] = tuple(value)
        state.update(self.unrecorded)
        obj: Any = object.__new__(self.type)
        object.__setattr__(obj, "__dict__", state)
        return obj

    def rebuilt(self, data: dict[str, Any]) -> Any:
        """The object rebuilt field by field: a missing field takes its default, an unknown one is refused."""
        obj: Any = object.__new__(self.type)
        found = 0
        for name, field in self.fields.items():
            if name in data:
                found += 1
                value = data[name]
                value = tuple(value) if isinstance(value, list) else value
            elif field.default is not dataclasses.MISSING:
                value = field.default
            elif field.default_factory is not dataclasses.MISSING:
                value = field.default_factory()
            else:
                raise TypeError(f"{self.name} was recorded without its field {name}")
            object.__setattr__(obj, name, value)
        if found < len(data):
            unknown = ", ".join(sorted(data.keys() - self.fields.keys()))
            raise TypeError(f"{self.name} has no field {unknown}")
        return obj


def _state_plan(cls: type, fields: list[dataclasses.Field[Any]]) -> tuple[tuple[str, ...] | None, dict[str, Any]]:
    """The names a record of every field holds, in order, and the unrecorded fields' defaults, which follow them;
    no names when a record cannot simply become the object's state: the class keeps state in slots, or a field
    never recorded comes before a recorded one or has no plain default."""
    recorded = [f for f in fields if f.metadata.get("recorded", True)]
    unrecorded = fields[len(recorded) :]
    simple = fields[: len(recorded)] == recorded and all(f.default is not dataclasses.MISSING for f in unrecorded)
    if not simple or any(vars(base).get("__slots__") for base in cls.__mro__):
        return None, {}
    return tuple(f.name for f in recorded), {f.name: f.default for f in unrecorded}


class MeasureAsDict(DataclassAsDict):
    """A measure recorded before thresholds carried their unit reads in the unit they were written in."""

    def __init__(self) -> None:
        super().__init__(NumericMeasure)

    def decode(self, data: dict[str, Any]) -> Any:
        measure: NumericMeasure = super().decode(data)
        object.__setattr__(measure, "unit", measure.in_unit)
        return measure


ENUMS: tuple[type[Enum], ...] = (
    Role,
    Quarter,
    Direction,
    ThresholdBasis,
    MeasureUnit,
    AssessmentStatus,
    OrganisationKind,
    Sector,
    SubmissionStatus,
    ReviewStatus,
    SchemeStatus,
    NotApplicable,
    Scale,
    Rounding,
)
VALUE_OBJECTS: tuple[type, ...] = (
    Actor,
    Attachment,
    Evidence,
    Figures,
    Milestone,
    NumericMeasure,
    ProviderTerms,
    Participant,
    SchemeTerms,
    PackDeadline,
    Exclusion,
    AgreedVersion,
    PackEntry,
    EvidencePack,
    Assessment,
    SetPasswordLink,
    OnAccountBasis,
    StatementFigures,
    PaymentRules,
    Settlement,
)


def register_value_types(transcoder: JSONTranscoder) -> None:
    """Register `date`, every domain enum and every value object."""
    transcoder.register(DateAsISO())
    for enum in ENUMS:
        transcoder.register(EnumAsValue(enum))
    for cls in VALUE_OBJECTS:
        transcoder.register(MeasureAsDict() if cls is NumericMeasure else DataclassAsDict(cls))
