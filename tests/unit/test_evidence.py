"""Evidence: a narrative, figures or attachments referenced by hash, never empty or malformed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.evidence import Attachment, Evidence, Figures, InvalidEvidenceError

AUDIT = Attachment("ab" * 32, "audit.pdf", 2048, "application/pdf")


@pytest.mark.parametrize(
    ("sha256", "name", "size", "media_type"),
    [
        ("AB" * 32, "audit.pdf", 2048, "application/pdf"),
        ("ab" * 31, "audit.pdf", 2048, "application/pdf"),
        ("zz" * 32, "audit.pdf", 2048, "application/pdf"),
        ("ab" * 32, "  ", 2048, "application/pdf"),
        ("ab" * 32, "audit.pdf", 2048, "pdf"),
    ],
    ids=["upper-case hash", "short hash", "not hex", "no name", "no media type"],
)
def test_a_malformed_attachment_is_refused(sha256: str, name: str, size: int, media_type: str) -> None:
    with pytest.raises(InvalidEvidenceError):
        Attachment(sha256, name, size, media_type)


def test_an_empty_file_is_a_valid_attachment() -> None:
    assert Attachment("00" * 32, "empty.csv", 0, "text/csv").size == 0


@pytest.mark.parametrize(
    ("numerator", "denominator"), [("1", "0"), ("101", "100")], ids=["zero denominator", "numerator above denominator"]
)
def test_figures_that_make_no_sense_are_refused(numerator: str, denominator: str | None) -> None:
    with pytest.raises(InvalidEvidenceError):
        Figures(Decimal(numerator), None if denominator is None else Decimal(denominator))


def test_figures_with_a_denominator_give_an_exact_rate() -> None:
    assert Figures(Decimal(612), Decimal(800)).value == Decimal("0.765")


def test_figures_without_a_denominator_are_a_count() -> None:
    assert Figures(Decimal(4120)).value == Decimal(4120)


@pytest.mark.parametrize("narrative", ["", "   \n"], ids=["empty", "blank"])
def test_evidence_needs_a_narrative_figures_or_an_attachment(narrative: str) -> None:
    with pytest.raises(InvalidEvidenceError):
        Evidence(narrative)


@pytest.mark.parametrize(
    "evidence",
    [
        {"narrative": "Discharge planned at admission on all wards."},
        {"figures": Figures(Decimal(612), Decimal(800))},
        {"attachments": (AUDIT,)},
    ],
    ids=["narrative", "figures", "attachment"],
)
def test_any_one_kind_of_evidence_is_enough(evidence: dict[str, object]) -> None:
    Evidence(**evidence)  # type: ignore[arg-type]


def test_the_same_attachment_is_not_listed_twice() -> None:
    with pytest.raises(InvalidEvidenceError):
        Evidence("Audit attached.", attachments=(AUDIT, Attachment("ab" * 32, "copy.pdf", 2048, "application/pdf")))
