"""What the views are given: any value an old log may hold comes out in a form every view column stores and every
read and description can work with; a value already safe comes out as itself."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.actors import Actor, Role
from domain.milestones import Milestone
from domain.payments import Figures, Stake, figures, pounds, split
from domain.programme import Programme, ProviderTerms
from domain.scheme import Participant, SchemeTerms
from projections.audit.phrasing import money, percent
from projections.database import DecimalText
from projections.safe import LARGEST, SMALLEST, fit_text, safe_decimal, safe_event, safe_text
from tests.builders import ACUTE_ID, COMMISSIONER, narrative_milestone
from tests.legacy import unchecked
from tests.unit.test_decoding import shape

any_text = st.text(st.characters(codec=None, categories=None, exclude_categories=()), max_size=80)
# Decimals of every kind: NaN, ±Infinity, huge and tiny exponents, and long coefficients.
any_decimal = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(
        lambda sign, digits, exponent: Decimal((sign, tuple(int(d) for d in digits), exponent)),
        st.integers(0, 1),
        st.text("0123456789", min_size=1, max_size=60),
        st.integers(-2_000_000, 2_000_000),
    ),
)
safe_decimals = any_decimal.map(safe_decimal)


def stored(number: Decimal) -> str | None:
    return DecimalText().process_bind_param(number, None)


@given(any_decimal)
def test_any_decimal_comes_out_finite_bounded_short_and_stored_exactly(number: Decimal) -> None:
    made_safe = safe_decimal(number)

    assert made_safe.is_finite()
    assert made_safe.is_zero() or SMALLEST <= abs(made_safe) <= LARGEST
    assert len(made_safe.as_tuple().digits) <= 28
    assert Decimal(str(stored(made_safe))) == made_safe and str(made_safe) == stored(made_safe)
    assert safe_decimal(made_safe) is made_safe


@given(st.decimals(min_value=Decimal("-1E15"), max_value=Decimal("1E15"), places=6, allow_nan=False))
def test_a_decimal_already_safe_comes_out_as_itself(number: Decimal) -> None:
    assert safe_decimal(number) is number or abs(number) < SMALLEST


def test_not_a_number_becomes_zero_and_the_unbounded_become_the_bound() -> None:
    made_safe = [safe_decimal(Decimal(text)) for text in ("NaN", "sNaN", "Infinity", "-1E+1000000", "1E-20")]

    assert made_safe == [0, 0, LARGEST, -LARGEST, 0]
    assert str(safe_decimal(Decimal("12345678.901234567890123456789012345678901"))) == "12345678.90123456789012345679"


@given(any_text)
def test_any_text_comes_out_without_nul_or_lone_surrogates_and_otherwise_unchanged(text: str) -> None:
    made_safe = safe_text(text)

    made_safe.encode("utf-8")
    assert "\x00" not in made_safe and len(made_safe) == len(text)
    assert [a for a, b in zip(made_safe, text, strict=True) if a != b] == ["\ufffd"] * sum(
        1 for c in text if c == "\x00" or "\ud800" <= c <= "\udfff"
    )
    assert safe_text(made_safe) is made_safe


@given(any_text, any_text, st.integers(20, 300))
def test_text_fitted_to_a_column_fits_and_different_texts_stay_different(a: str, b: str, length: int) -> None:
    fitted_a, fitted_b = fit_text(a, length), fit_text(b, length)

    assert len(fitted_a) <= length and fit_text(a, length) == fitted_a
    assert (fitted_a == fitted_b) == (safe_text(a) == safe_text(b))


@given(
    contract_value=safe_decimals,
    rate=safe_decimals,
    scheme_weights=st.lists(safe_decimals, min_size=1, max_size=4),
    milestone_weights=st.lists(safe_decimals, min_size=1, max_size=4),
    achievements=st.lists(st.one_of(st.none(), safe_decimals), min_size=1, max_size=4),
)
def test_the_payments_maths_and_its_wording_never_raise_on_safe_values(
    contract_value: Decimal,
    rate: Decimal,
    scheme_weights: list[Decimal],
    milestone_weights: list[Decimal],
    achievements: list[Decimal | None],
) -> None:
    cquin_value = contract_value * rate
    scheme_value = split(cquin_value, dict(enumerate(scheme_weights)))[0]
    values = split(scheme_value, dict(enumerate(milestone_weights)))
    stakes = [Stake(key, value, True, achievements[key % len(achievements)]) for key, value in values.items()]
    total = figures(stakes) + Figures(at_risk=scheme_value)

    for amount in (cquin_value, scheme_value, *values.values(), total.available, total.earned, total.shortfall):
        assert len(str(stored(amount))) <= 40
        pounds(amount)
        money(amount)
    for fraction in (rate, total.achieved or Decimal(0)):
        percent(fraction)


def test_an_event_of_safe_values_comes_out_as_itself() -> None:
    programme = Programme.set_up(COMMISSIONER, COMMISSIONER.organisation_id, "Torbay", 2014)
    programme.join(COMMISSIONER, ProviderTerms(ACUTE_ID, Decimal("84000000.50"), Decimal("0.0125")))

    for event in programme.collect_events():
        assert safe_event(event) is event


def test_an_event_holding_unsafe_values_deep_in_its_value_objects_comes_out_made_safe_and_the_original_untouched() -> (
    None
):
    bad_weight = unchecked(Participant, provider_id=ACUTE_ID, weight=Decimal("NaN"))
    terms = unchecked(
        SchemeTerms,
        title="Reduce\x00harm",
        participants=(bad_weight,),
        milestones=(
            unchecked(Milestone, **vars(narrative_milestone("M1")) | {"code": "M\ud800", "title": "Milestone M\ud800"}),
        ),
        description="",
    )
    actor = unchecked(Actor, user_id="gill\x00", organisation_id=COMMISSIONER.organisation_id, role=Role.COMMISSIONER)
    programme = Programme.set_up(COMMISSIONER, COMMISSIONER.organisation_id, "Torbay", 2014)
    programme.collect_events()
    event = Programme.ProviderTermsRevised(
        originator_id=programme.id,
        originator_version=2,
        timestamp=datetime(2014, 5, 1, tzinfo=UTC),
        terms=unchecked(
            ProviderTerms, provider_id=ACUTE_ID, contract_value=Decimal("1E+1000000"), cquin_rate=Decimal(1)
        ),
        reason="contract variation\x00",
        actor=actor,
    )

    made_safe = safe_event(event)
    made_safe_terms = safe_event(unchecked(Holder, terms=terms)).terms

    assert type(made_safe) is type(event) and made_safe is not event
    assert made_safe.terms.contract_value == LARGEST and made_safe.terms.cquin_rate is event.terms.cquin_rate
    assert made_safe.actor == Actor("gill\ufffd", COMMISSIONER.organisation_id, Role.COMMISSIONER)
    assert made_safe.reason == "contract variation\ufffd"
    assert (made_safe.originator_id, made_safe.timestamp) == (event.originator_id, event.timestamp)
    assert event.terms.contract_value == Decimal("1E+1000000") and event.actor.user_id == "gill\x00"
    assert made_safe_terms.title == "Reduce\ufffdharm" and made_safe_terms.participants[0].weight == 0
    assert made_safe_terms.milestones[0].code == "M\ufffd" and type(made_safe_terms.participants) is tuple
    assert made_safe_terms.milestones[0].title == "Milestone M\ufffd"
    assert made_safe_terms.milestones[0].due is terms.milestones[0].due
    assert isinstance(made_safe_terms.participants[0].provider_id, UUID)


@dataclasses.dataclass(frozen=True)
class Holder:
    """A value object whose check refuses anything: made safe, it is rebuilt without running it."""

    terms: SchemeTerms

    def __post_init__(self) -> None:
        raise AssertionError("made safe without running the value object's checks")


@dataclasses.dataclass(frozen=True)
class Box:
    """A value object of any two values, as a log may hold one."""

    first: Any
    second: Any


LARGEST_INT = 2**31 - 1
leaves = st.one_of(
    any_text,
    st.text("ab\x00", max_size=3),
    any_decimal,
    st.integers(),
    st.sampled_from([None, True, 1.5, ACUTE_ID, Role.AUDITOR, datetime(2014, 5, 1, tzinfo=UTC)]),
)
hashable = st.one_of(st.text("ab\x00\ud800", max_size=3), st.integers(-(2**33), 2**33), st.just(ACUTE_ID))
nested = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.frozensets(hashable, max_size=3),
        st.dictionaries(hashable, inner, max_size=3),
        st.builds(lambda first, second: unchecked(Box, first=first, second=second), inner, inner),
    ),
    max_leaves=10,
)


def made_safe_leaf_by_leaf(value: Any) -> Any:
    """The value with each text, number and integer in it made safe, built afresh."""
    kind = type(value)
    if kind in (list, tuple, frozenset):
        return kind(made_safe_leaf_by_leaf(item) for item in value)
    if kind is dict:
        return {made_safe_leaf_by_leaf(key): made_safe_leaf_by_leaf(item) for key, item in value.items()}
    if kind is Box:
        return unchecked(Box, first=made_safe_leaf_by_leaf(value.first), second=made_safe_leaf_by_leaf(value.second))
    if kind is str:
        return safe_text(value)
    if kind is Decimal:
        return safe_decimal(value)
    return max(-LARGEST_INT, min(value, LARGEST_INT)) if kind is int else value


def needs_making_safe(value: Any) -> bool:
    if type(value) in (list, tuple, frozenset):
        return any(needs_making_safe(item) for item in value)
    if type(value) is dict:
        return any(needs_making_safe(key) or needs_making_safe(item) for key, item in value.items())
    if type(value) is Box:
        return needs_making_safe(value.first) or needs_making_safe(value.second)
    if type(value) in (str, Decimal):
        return made_safe_leaf_by_leaf(value) is not value
    return type(value) is int and made_safe_leaf_by_leaf(value) != value


@settings(max_examples=400, deadline=None)
@given(nested, nested)
def test_an_event_comes_out_as_itself_when_nothing_in_it_needs_making_safe_else_made_safe_leaf_by_leaf(
    first: Any, second: Any
) -> None:
    event = unchecked(Box, first=first, second=second)

    made_safe = safe_event(event)

    assert (made_safe is event) is not needs_making_safe(event)
    assert shape(made_safe) == shape(made_safe_leaf_by_leaf(event))
