"""Input for property tests: wild (any code point, NaN, huge exponents, many digits), plausible (what the limits
take), and records built from them, with one field at a time drawn wild."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from domain.milestones import Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.scheme import Participant, SchemeTerms
from domain.scheme_terms import Exclusion
from tests.builders import ACUTE_ID, COMMUNITY_ID, PRIVATE_ID

# Wild input: every code point, control characters and lone surrogates included, short or repeated to about each
# cap; and NaN, infinities, huge and tiny exponents and many digits.
CHARACTER = st.characters(codec=None, categories=None, exclude_categories=())
CAPS = [32, 33, 64, 65, 200, 201, 255, 256, 300, 301, 4_000, 4_001, 20_000, 20_001]
TEXT = st.one_of(
    st.text(CHARACTER, max_size=30),
    st.text(max_size=30),
    st.builds(
        lambda piece, size: (piece * size)[:size], st.text(CHARACTER, min_size=1, max_size=3), st.sampled_from(CAPS)
    ),
)
DECIMAL = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(
        lambda digits, exponent: Decimal(f"{digits}E{exponent}"),
        st.integers(-(10**45), 10**45),
        st.sampled_from([-999999999, -1000000, -28, -7, -1, 0, 1, 12, 40, 1000000, 999999999]),
    ),
    st.decimals(min_value=0, max_value=1, places=3),
)
DUE = st.dates(date(2013, 1, 1), date(2016, 12, 31))
# Plausible input, which the limits take: any script, symbol, format or private-use character, on one line.
PLAIN = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40).filter(str.strip)
FRACTION = st.decimals(min_value=0, max_value=1, places=2)
POUNDS = st.decimals(min_value=1, max_value=10**9, places=2)
WEIGHT = st.decimals(min_value=Decimal("0.5"), max_value=10, places=1)


def one_wild(**fields: tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Each field from its plausible strategy, but for one (or none), drawn from its wild one: so most examples
    test a single field against its limits, and some are accepted whole."""

    @st.composite
    def drawn(draw: st.DrawFn) -> dict[str, Any]:
        wild = draw(st.sampled_from([None, *fields]))
        return {name: draw(rough if name == wild else plausible) for name, (plausible, rough) in fields.items()}

    return drawn()


# Scheme terms' parts, built into terms inside the command under test; a measure is a rate, a count or none.
MEASURE_PARTS = st.fixed_dictionaries(
    {
        "numerator": st.one_of(PLAIN, TEXT),
        "denominator": st.one_of(st.none(), PLAIN, TEXT),
        "minimum": st.one_of(st.just(Decimal("0.6")), DECIMAL),
        "maximum": st.one_of(st.just(Decimal("0.8")), DECIMAL),
        "basis": st.sampled_from(ThresholdBasis),
        "baseline": st.one_of(st.none(), FRACTION, DECIMAL),
    }
)
TERMS = one_wild(
    title=(PLAIN, TEXT),
    description=(PLAIN, TEXT),
    weight=(WEIGHT, DECIMAL),
    code=(PLAIN, TEXT),
    milestone=(PLAIN, TEXT),
    detail=(PLAIN, TEXT),
    due=(st.just(date(2014, 7, 31)), DUE),
    milestone_weight=(WEIGHT, DECIMAL),
    measure=(st.none(), MEASURE_PARTS),
    left_out=(PLAIN, TEXT),
)


def terms_of(parts: dict[str, Any]) -> SchemeTerms:
    """The terms the generated parts make; a part beyond the limits is refused here, as the API would build them."""
    measure = None if parts["measure"] is None else NumericMeasure(**parts["measure"])
    milestone = Milestone(
        parts["code"],
        parts["milestone"],
        Quarter.Q1,
        parts["due"],
        description=parts["detail"],
        weight=parts["milestone_weight"],
        measure=measure,
    )
    participants = (Participant(ACUTE_ID, parts["weight"]), Participant(COMMUNITY_ID))
    left_out = (Exclusion(PRIVATE_ID, parts["left_out"]),)
    return SchemeTerms(parts["title"], participants, (milestone,), parts["description"], exclusions=left_out)


@st.composite
def evidence_inputs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A milestone, and evidence for it whose figures fit its measure, but for one field, perhaps, drawn wild."""
    code = draw(st.sampled_from(["M1", "FLU", "FALLS"]))
    figures = {
        "M1": st.just((None, None)),
        "FLU": st.tuples(st.decimals(0, 50, places=1), st.decimals(50, 100, places=0)),
        "FALLS": st.tuples(st.decimals(0, 1000, places=0), st.none()),
    }[code]
    fields = one_wild(
        narrative=(PLAIN, TEXT),
        figures=(figures, st.tuples(DECIMAL, st.one_of(st.none(), DECIMAL))),
        name=(st.just("audit.pdf"), TEXT),
        media_type=(st.just("application/pdf"), TEXT),
        reason=(PLAIN, TEXT),
    )
    return code, draw(fields)
