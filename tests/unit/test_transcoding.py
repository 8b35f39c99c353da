"""Every value type survives the event store's JSON transcoder, and so do whole aggregate histories."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, UUIDAsHex

from domain.achievement import AssessmentStatus
from domain.evidence import Attachment, Figures
from domain.milestones import Quarter
from domain.organisation import Organisation, OrganisationKind
from domain.limits import InvalidInputError
from domain.on_account import OnAccountBasis
from domain.payment_rules import published
from domain.programme import Programme, ProviderTerms
from domain.statements import Settlement, StatementFigures
from domain.assessment import Assessment
from domain.evidence_pack import EvidencePack, PackEntry
from domain.quarter_review import QuarterReview
from domain.scheme import Participant, Scheme
from domain.scheme_terms import AgreedVersion, Exclusion, PackDeadline
from domain.submission import Submission
from domain.set_password_links import SetPasswordLink
from domain.transcoding import ENUMS, VALUE_OBJECTS, DataclassAsDict, register_value_types
from tests.builders import ON_TIME, ACUTE, ACUTE_ID, OPERATOR, COMMISSIONER, COMMISSIONER_ID, COMMUNITY_ID
from tests.builders import PRIVATE_ID, ae_reduction, figures, flu_milestone, narrative, narrative_milestone, terms
from tests.legacy import unchecked
from tests.unit.given import ALL_PROVIDERS, SCOPE, RULES, LEAD, LEAD_ID, PROGRAMME_ID, REVIEW_ID
from tests.unit.given import SCHEME_ID, collected, entry, presented, provider_terms, sign_by_all

DOMAIN_MODULES = (
    "actors",
    "payment_rules",
    "set_password_links",
    "achievement",
    "evidence",
    "milestones",
    "organisation",
    "programme",
    "programme_terms",
    "on_account",
    "statements",
    "statement",
    "quarter_review",
    "review_reads",
    "reminder",
    "evidence_pack",
    "assessment",
    "scheme",
    "scheme_terms",
    "submission",
)
AUDIT = Attachment("ab" * 32, "audit.pdf", 2048, "application/pdf")
PACK_ENTRY = PackEntry(REVIEW_ID, ACUTE_ID, "FLU", 3)
SAMPLES: list[object] = [
    COMMISSIONER,
    AUDIT,
    narrative(),
    figures(612, 800),
    Figures(Decimal("612"), Decimal("800")),
    Figures(Decimal("41250")),
    flu_milestone(),
    narrative_milestone("T1", Quarter.Q3, provider_id=ACUTE_ID),
    ae_reduction(Decimal("41250")),
    provider_terms(ACUTE_ID, "84000000.50", "0.0125"),
    Participant(ACUTE_ID, Decimal("2")),
    terms(flu_milestone(), narrative_milestone("T1", provider_id=ACUTE_ID)),
    AgreedVersion(2, terms(), (COMMISSIONER_ID, ACUTE_ID, COMMUNITY_ID)),
    PackDeadline(Quarter.Q2, date(2014, 11, 14)),
    Exclusion(PRIVATE_ID, "Only schemes relevant to its NHS patients."),
    PACK_ENTRY,
    EvidencePack(2, (PACK_ENTRY,), (f"{COMMUNITY_ID}/FLU",)),
    Assessment(ACUTE_ID, "FLU", AssessmentStatus.PARTIALLY_MET, "70% uptake", Decimal("0.5"), PACK_ENTRY),
    Assessment(COMMUNITY_ID, "FLU", AssessmentStatus.NOT_APPLICABLE, "no frontline staff", None, None),
    Assessment(ACUTE_ID, "FLU", AssessmentStatus.MET, "70%", Decimal(1), PACK_ENTRY, "validated late", Decimal("0.5")),
    SetPasswordLink("0" * 64, datetime(2026, 12, 6, 12, 0, tzinfo=UTC)),
    OnAccountBasis(Decimal("0.85"), Decimal("25000.50")),
    published("stepped-quarters"),
    StatementFigures(
        12, Decimal("1.01"), Decimal("12.12"), Decimal("20"), Decimal("-3.5"), Decimal(0), Decimal("11.38")
    ),
    StatementFigures(7, Decimal("1.01"), Decimal("7.07"), Decimal(9), Decimal(0), Decimal(1), None, *[Decimal(2)] * 3),
    Settlement(Decimal("2.5"), Decimal(2), Decimal(3), (Quarter.Q3, Quarter.Q4)),
]


def transcoder() -> JSONTranscoder:
    """A transcoder set up as the Corral application sets up its own."""
    result = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        result.register(transcoding)
    register_value_types(result)
    return result


def round_trip(obj: object) -> Any:
    t = transcoder()
    return t.decode(t.encode(obj))


def test_a_sample_exists_for_every_registered_value_object() -> None:
    assert {type(s) for s in SAMPLES} == set(VALUE_OBJECTS)


def test_every_domain_enum_and_value_object_is_registered() -> None:
    defined = [
        obj
        for name in DOMAIN_MODULES
        for _, obj in inspect.getmembers(importlib.import_module(f"domain.{name}"), inspect.isclass)
        if obj.__module__ == f"domain.{name}"
    ]

    assert {c for c in defined if issubclass(c, Enum)} == set(ENUMS)
    assert {c for c in defined if dataclasses.is_dataclass(c)} == set(VALUE_OBJECTS)


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: type(v).__name__)
def test_a_value_object_comes_back_equal_with_its_tuples_as_tuples(value: object) -> None:
    decoded = round_trip(value)

    assert type(decoded) is type(value)
    assert decoded == value


@pytest.mark.parametrize("member", [m for enum in ENUMS for m in enum], ids=str)
def test_an_enum_member_comes_back_as_itself(member: Enum) -> None:
    assert round_trip(member) is member


def test_a_date_comes_back_as_a_date() -> None:
    decoded = round_trip(date(2015, 3, 31))

    assert (type(decoded), decoded) == (date, date(2015, 3, 31))


def organisation_history() -> Aggregate:
    organisation = Organisation.register(OPERATOR, "ACUTE", "Torbay Hospital", OrganisationKind.PROVIDER)
    organisation.rename(OPERATOR, "Torbay and South Devon", "merged with the community trust")
    return organisation


def programme_history() -> Aggregate:
    result = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014, Decimal("0.25"), schemes_per_lead=None)
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        result.join(COMMISSIONER, provider_terms(provider_id))
    result.revise_provider_terms(COMMISSIONER, provider_terms(ACUTE_ID, "90000000.75"), "contract variation")
    result.add_scheme(COMMISSIONER, SCHEME_ID, "SH")
    result.designate_lead(COMMISSIONER, SCHEME_ID, ACUTE_ID, ALL_PROVIDERS)
    result.designate_lead(COMMISSIONER, SCHEME_ID, COMMUNITY_ID, ALL_PROVIDERS, "acute under special measures")
    return result


def scheme_history() -> Aggregate:
    scheme = Scheme.draft(COMMISSIONER, PROGRAMME_ID, COMMISSIONER_ID, SCOPE, "SH", terms(flu_milestone()))
    scheme.amend_draft(
        COMMISSIONER, terms(flu_milestone(), narrative_milestone("T1", provider_id=ACUTE_ID)), SCOPE, "target"
    )
    sign_by_all(scheme)
    scheme.propose_variation(COMMISSIONER, terms(narrative_milestone("M2", Quarter.Q2)), SCOPE, "simplify")
    sign_by_all(scheme)
    return scheme


LATE = date(2014, 8, 4)  # after the builders' milestones fell due


def submission_history() -> Aggregate:
    submission = Submission.submit(ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, flu_milestone(), figures(61, 100), ON_TIME)
    submission.revise(ACUTE, flu_milestone(), figures(70, 100), "late returns from two wards", LATE)
    submission.withdraw(ACUTE, "double counted bank staff")
    submission.revise(ACUTE, flu_milestone(), figures(68, 100), "recounted", LATE)
    submission.return_by_lead(LEAD, LEAD_ID, "attach the occupational health report")
    submission.revise(ACUTE, flu_milestone(), figures(68, 100), "report attached", LATE)
    submission.accept_by_lead(LEAD, LEAD_ID, "thank you")
    submission.include_in_pack(LEAD, LEAD_ID, REVIEW_ID, 1)
    return submission


def quarter_review_history() -> Aggregate:
    flu = presented(flu_milestone(), figures(70, 100))
    review = QuarterReview.open(LEAD, PROGRAMME_ID, COMMISSIONER_ID, LEAD_ID, SCHEME_ID, Quarter.Q1)
    review.nudge(LEAD, LEAD_ID, ACUTE_ID, "flu figures due")
    review.present(LEAD, LEAD_ID, (entry(flu),), (f"{COMMUNITY_ID}/FLU",))
    review.query(COMMISSIONER, "Which staff groups are frontline?")
    review.present(LEAD, LEAD_ID, (entry(flu),), (f"{COMMUNITY_ID}/FLU",))
    milestone = flu_milestone()
    review.assess(COMMISSIONER, milestone, ACUTE_ID, AssessmentStatus.PARTIALLY_MET, "70%", flu.evidence(), RULES)
    review.assess(COMMISSIONER, milestone, COMMUNITY_ID, AssessmentStatus.NOT_MET, "no return", None, RULES)
    review.revise_on_appeal(
        COMMISSIONER,
        milestone,
        COMMUNITY_ID,
        AssessmentStatus.NOT_APPLICABLE,
        "no frontline staff",
        None,
        RULES,
        "appeal",
    )
    review.close(COMMISSIONER, terms(milestone).expected(Quarter.Q1))
    return review


HISTORIES: dict[str, Callable[[], Aggregate]] = {
    "Organisation": organisation_history,
    "Programme": programme_history,
    "Scheme": scheme_history,
    "Submission": submission_history,
    "QuarterReview": quarter_review_history,
}


@pytest.mark.parametrize("history", HISTORIES.values(), ids=HISTORIES.keys())
def test_an_aggregate_rebuilt_from_its_stored_events_equals_the_original(history: Callable[[], Aggregate]) -> None:
    original = history()
    events = collected(original)
    mapper: Mapper[Any] = Mapper(transcoder=transcoder())

    decoded: list[Any] = [mapper.to_domain_event(mapper.to_stored_event(e)) for e in events]
    rebuilt: Any = None
    for event in decoded:
        rebuilt = event.mutate(rebuilt)

    assert [type(e).__name__ for e in decoded] == [type(e).__name__ for e in events]
    assert [e.originator_version for e in decoded] == [e.originator_version for e in events]
    assert rebuilt == original


@pytest.mark.parametrize("history", HISTORIES.values(), ids=HISTORIES.keys())
def test_an_aggregate_restored_from_a_stored_snapshot_equals_the_original(history: Callable[[], Aggregate]) -> None:
    original = history()
    original.collect_events()
    mapper: Mapper[Any] = Mapper(transcoder=transcoder())
    snapshot = type(original).Snapshot.take(original)

    stored: Any = mapper.to_domain_event(mapper.to_stored_event(snapshot))
    restored = stored.mutate(None)

    assert restored == original


@dataclasses.dataclass(frozen=True)
class Refusing:
    """A value object whose checks refuse whatever it was recorded with."""

    text: str
    amount: Decimal
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str = "none"

    def __post_init__(self) -> None:
        raise ValueError(f"{self.text!r} is no longer allowed")


def refusing_transcoder() -> JSONTranscoder:
    result = transcoder()
    result.register(DataclassAsDict(Refusing))
    return result


def test_a_value_recorded_before_a_check_refused_it_decodes_exactly_as_recorded() -> None:
    t = refusing_transcoder()
    recorded = unchecked(Refusing, text="a\x00b", amount=Decimal("1E+1000000"), tags=("x", "y"), note="old")

    decoded = t.decode(t.encode(recorded))

    assert type(decoded) is Refusing
    assert (decoded.text, decoded.amount, decoded.tags, decoded.note) == (
        "a\x00b",
        Decimal("1E+1000000"),
        ("x", "y"),
        "old",
    )


def test_a_domain_value_its_constructor_refuses_today_still_decodes() -> None:
    recorded = unchecked(ProviderTerms, provider_id=ACUTE_ID, contract_value=Decimal("-1"), cquin_rate=Decimal("NaN"))
    with pytest.raises(InvalidInputError):
        ProviderTerms(ACUTE_ID, Decimal("-1"), Decimal("0.025"))

    decoded = round_trip(recorded)

    assert (decoded.provider_id, decoded.contract_value) == (ACUTE_ID, Decimal("-1"))
    assert decoded.cquin_rate.is_nan()


def test_fields_recorded_before_they_existed_decode_to_their_defaults() -> None:
    data = b'{"_type_":"Refusing","_data_":{"text":"t","amount":{"_type_":"decimal_str","_data_":"1"}}}'

    decoded = refusing_transcoder().decode(data)

    assert (decoded.text, decoded.amount, decoded.tags, decoded.note) == ("t", Decimal(1), (), "none")


@pytest.mark.parametrize(
    "data",
    [
        b'{"_type_":"Refusing","_data_":{"amount":{"_type_":"decimal_str","_data_":"1"}}}',
        b'{"_type_":"Refusing","_data_":{"text":"t","amount":{"_type_":"decimal_str","_data_":"1"},"gone":1}}',
    ],
    ids=["a required field missing", "a field the value object no longer has"],
)
def test_a_record_that_does_not_fit_the_value_object_is_refused_by_name(data: bytes) -> None:
    with pytest.raises(TypeError, match="Refusing"):
        refusing_transcoder().decode(data)
