"""The limits on input: each kind of text and number, what it refuses, and the field it names."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from domain import limits
from domain.limits import CODE, LONG_TEXT, NAME, SHORT_TEXT, TITLE
from domain.limits import InvalidInputError, NumberLimit, TextLimit, WholeNumberLimit, within
from projections.audit.view import AuditView
from projections.database import DecimalText, ViewDatabase
from projections.progress.view import ProgressView

TEXT_KINDS = {
    "ORGANISATION_CODE": (32, True),
    "CODE": (64, True),
    "NAME": (200, True),
    "TITLE": (300, True),
    "SHORT_TEXT": (4_000, False),
    "LONG_TEXT": (20_000, False),
    "FILE_NAME": (255, True),
    "MEDIA_TYPE": (100, True),
    "USER_ID": (200, True),
}
# kind: (lowest accepted, highest accepted, the nearest refused below and above, places)
NUMBER_KINDS = {
    "CONTRACT_VALUE": ("0.01", "1000000000000", "0", "1000000000000.01", 2),
    "CQUIN_RATE": ("0.000001", "1", "0", "1.000001", 6),
    "FRACTION": ("0", "1", "-0.000001", "1.000001", 6),
    "WEIGHT": ("0.000001", "1000000", "0", "1000000.000001", 6),
    "THRESHOLD": ("-1000000000", "1000000000", "-1000000000.000001", "1000000000.000001", 6),
    "RATE": ("0", "1", "-0.000001", "1.000001", 6),
    "RATE_POINTS": ("-1", "1", "-1.000001", "1.000001", 6),
    "CHANGE": ("-1", "1", "-1.000001", "1.000001", 6),
    "PERCENT": ("0", "100", "-0.000001", "100.000001", 6),
    "PERCENT_POINTS": ("-100", "100", "-100.000001", "100.000001", 6),
    "PERCENT_CHANGE": ("-100", "100", "-100.000001", "100.000001", 6),
    "FIGURE": ("0", "1000000000000", "-0.000001", "1000000000000.000001", 6),
}
WHOLE_NUMBER_KINDS = {"CONTRACT_YEAR": (2000, 2100), "SCHEMES_PER_LEAD": (1, 100), "ATTACHMENT_SIZE": (0, 10**12)}


def refusal(check: object, *args: object) -> InvalidInputError:
    """The error a check raises; fails the test if it raises none."""
    with pytest.raises(InvalidInputError) as refused:
        check(*args)  # type: ignore[operator]
    return refused.value


@pytest.mark.parametrize(("kind", "cap", "one_line"), [(k, *v) for k, v in TEXT_KINDS.items()])
def test_each_kind_of_text_takes_up_to_its_cap_and_no_more(kind: str, cap: int, one_line: bool) -> None:
    limit: TextLimit = getattr(limits, kind)

    assert (limit.cap, limit.one_line) == (cap, one_line)
    assert limit.check("x" * cap, "field") == "x" * cap
    assert refusal(limit.check, "x" * (cap + 1), "field").message == (
        f"must be at most {cap:,} characters long, not {cap + 1:,}"
        if cap >= 10_000
        else f"must be at most {cap} characters long, not {cap + 1}"
    )


def test_the_cap_counts_characters_not_bytes() -> None:
    assert TITLE.check("é" * 300, "title") == "é" * 300


def test_text_refuses_exactly_the_control_characters_but_tab_and_newline_and_the_lone_surrogates() -> None:
    refused = set()
    for code_point in range(0x110000):
        try:
            LONG_TEXT.check(chr(code_point), "narrative")
        except InvalidInputError:
            refused.add(code_point)

    expected = {c for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cc", "Cs")} - {0x09, 0x0A, 0x0D}
    assert refused == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "safety\x00plans",
            "contains the control character U+0000; text may hold no control characters but tab and newline",
        ),
        ("bell\x07", "contains the control character U+0007; text may hold no control characters but tab and newline"),
        (
            "\x85next line",
            "contains the control character U+0085; text may hold no control characters but tab and newline",
        ),
        ("half \ud800 a pair", "contains U+D800, half of a surrogate pair, which is not a character"),
    ],
    ids=["NUL", "bell", "C1 next line", "lone surrogate"],
)
def test_a_refused_character_is_named_by_its_code_point_and_the_field_by_its_name(text: str, message: str) -> None:
    refused = refusal(SHORT_TEXT.check, text, "reason")

    assert (refused.field, refused.message, str(refused)) == ("reason", message, f"reason: {message}")


def test_browsers_crlf_and_a_lone_cr_become_newlines_which_free_text_keeps_along_with_tabs() -> None:
    assert SHORT_TEXT.check("first\r\nsecond\rthird\n\tindented", "reason") == "first\nsecond\nthird\n\tindented"


def test_a_newline_counts_once_when_it_came_as_crlf() -> None:
    assert SHORT_TEXT.check("x\r\n" * 2000, "reason") == "x\n" * 2000


@pytest.mark.parametrize("text", ["two\nlines", "two\r\nlines", "tab\tbed", "line\u2028separator", "para\u2029graph"])
@pytest.mark.parametrize("limit", [CODE, NAME, TITLE], ids=["code", "name", "title"])
def test_one_line_kinds_refuse_line_breaks_and_tabs(limit: TextLimit, text: str) -> None:
    assert refusal(limit.check, text, "title").message == "must be one line, with no line breaks or tabs"


def test_ordinary_text_in_any_script_and_its_symbols_is_kept_as_typed() -> None:
    typed = "Non-secure \u00a0Repatriation – 75% of staff £1,000 🩺 ≥ 0.6 名前 صحة"

    assert TITLE.check(typed, "title") == typed


@pytest.mark.parametrize(
    ("kind", "lowest", "highest", "below", "above", "places"), [(k, *v) for k, v in NUMBER_KINDS.items()]
)
def test_each_kind_of_number_takes_its_range_and_no_more(
    kind: str, lowest: str, highest: str, below: str, above: str, places: int
) -> None:
    limit: NumberLimit = getattr(limits, kind)

    assert limit.places == places
    assert limit.check(Decimal(lowest), "value") == Decimal(lowest)
    assert limit.check(Decimal(highest), "value") == Decimal(highest)
    assert refusal(limit.check, Decimal(below), "value").field == "value"
    assert refusal(limit.check, Decimal(above), "value").field == "value"


@pytest.mark.parametrize("kind", NUMBER_KINDS)
@pytest.mark.parametrize("value", ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity"])
def test_no_kind_of_number_takes_nan_or_infinity(kind: str, value: str) -> None:
    limit: NumberLimit = getattr(limits, kind)

    assert refusal(limit.check, Decimal(value), "value").message == "must be a number, not NaN or infinity"


@pytest.mark.parametrize(
    "value",
    ["1E+1000000", "1E+999999999", "12345678901234567890123456789012345678901", "-1E+1000000"],
    ids=["1E+1000000", "1E+999999999", "41 digits", "huge negative"],
)
@pytest.mark.parametrize("kind", NUMBER_KINDS)
def test_no_kind_of_number_takes_a_huge_magnitude(kind: str, value: str) -> None:
    limit: NumberLimit = getattr(limits, kind)

    refusal(limit.check, Decimal(value), "value")


@pytest.mark.parametrize("kind", NUMBER_KINDS)
def test_no_kind_of_number_takes_more_places_than_it_allows(kind: str) -> None:
    limit: NumberLimit = getattr(limits, kind)
    value = Decimal(1).scaleb(-(limit.places + 1)) + (Decimal("0.5") if limit.above_low else 0)

    refused = refusal(limit.check, value, "value")

    assert refused.message == f"may have at most {limit.places} decimal places, not {limit.places + 1}"


def test_a_tiny_exponent_is_too_many_places() -> None:
    assert refusal(limits.FIGURE.check, Decimal("1E-999999999"), "numerator").field == "numerator"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("1E+3", "1000"),
        ("0.60", "0.60"),
        ("1." + "0" * 45, "1.000000"),
        ("0.6000000000000000000000000000000000000000", "0.600000"),
        ("-0", "0"),
        ("0E-1000", "0"),
        ("0E+1000", "0"),
    ],
)
def test_a_number_is_kept_exactly_in_a_short_form(typed: str, kept: str) -> None:
    assert str(limits.FIGURE.check(Decimal(typed), "numerator")) == kept


@pytest.mark.parametrize("kind", NUMBER_KINDS)
def test_every_number_a_kind_takes_fits_the_views_decimal_column(kind: str) -> None:
    limit: NumberLimit = getattr(limits, kind)
    step = Decimal(1).scaleb(-limit.places)
    widest = [limit.low + step, limit.high - step, limit.high] + ([] if limit.above_low else [limit.low])

    assert max(len(str(limit.check(value, "value"))) for value in widest) <= DecimalText.impl.length


@pytest.mark.parametrize(("kind", "low", "high"), [(k, *v) for k, v in WHOLE_NUMBER_KINDS.items()])
def test_each_kind_of_whole_number_takes_its_range_and_no_more(kind: str, low: int, high: int) -> None:
    limit: WholeNumberLimit = getattr(limits, kind)

    assert (limit.check(low, "n"), limit.check(high, "n")) == (low, high)
    assert refusal(limit.check, low - 1, "n").field == refusal(limit.check, high + 1, "n").field == "n"


def test_a_rate_threshold_typed_as_a_percentage_is_told_how_to_enter_a_percentage() -> None:
    refused = refusal(limits.RATE.check, Decimal(60), "minimum")

    assert refused.message == (
        "must be a fraction from 0 to 1, not 60: to enter a percentage, give the unit as percent, or enter 0.6"
    )


def test_a_percentage_above_100_is_refused_naming_the_value() -> None:
    assert refusal(limits.PERCENT.check, Decimal("150.5"), "maximum").message == (
        "must be a percentage from 0 to 100, not 150.5"
    )


def test_a_field_refused_inside_a_container_is_named_by_its_place_in_it() -> None:
    def refuse() -> None:
        with within("milestones.2"), within("measure"):
            NAME.check("bad\x00label", "numerator")

    assert refusal(refuse).field == "milestones.2.measure.numerator"


def test_every_cap_fits_the_view_column_its_text_lands_in() -> None:
    database = ViewDatabase("sqlite://")
    progress, audit = ProgressView(database), AuditView(database)

    assert progress.schemes.c.code.type.length >= CODE.cap
    assert progress.milestones.c.code.type.length >= CODE.cap
    assert progress.progress.c.milestone_code.type.length >= CODE.cap
    assert audit.contexts.c.code.type.length >= CODE.cap
    assert audit.contexts.c.title.type.length >= TITLE.cap
    assert audit.contexts.c.title.type.length >= NAME.cap + len(" 2014/15")  # a programme: its economy and year
    assert audit.organisations.c.name.type.length >= NAME.cap
    assert audit.events.c.actor_organisation_name.type.length >= NAME.cap
    assert audit.events.c.actor_user_id.type.length >= limits.USER_ID.cap


@pytest.mark.parametrize("code", ["Q2/TARGETED", "Q2\\1", "Q2?", "Q2#1", "50%"])
def test_a_code_refuses_what_a_page_address_would_misread(code: str) -> None:
    with pytest.raises(InvalidInputError, match="may not contain"):
        CODE.check(code, "code")
