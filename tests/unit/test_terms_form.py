"""The terms form typed back from terms as they stand reads as the same terms: every shape of milestone, in its unit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from api.http.setting_up import VariationIn
from domain.milestones import Direction, MeasureUnit, Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.scheme_terms import PackDeadline, Participant
from tests.builders import ACUTE_ID, COMMUNITY_ID, PROVIDERS, ae_reduction, flu_milestone, narrative_milestone, terms
from web.pages.draft_form import read_form, typed_terms

PROVIDER_NAMES = [(str(p), name) for name, p in PROVIDERS.items()]
POINTS = NumericMeasure(
    "patients screened",
    "patients admitted",
    Decimal("2.5"),
    Decimal("5"),
    Direction.HIGHER_IS_BETTER,
    ThresholdBasis.POINTS_FROM_BASELINE,
    Decimal("62.5"),
    MeasureUnit.PERCENT,
)


def read_back(typed: dict[str, str]) -> VariationIn:
    return VariationIn.model_validate(read_form(typed | {"reason": "why"}, PROVIDER_NAMES).body)


def test_terms_typed_into_the_form_read_back_as_the_same_terms() -> None:
    targeted = replace(narrative_milestone("M2", Quarter.Q2, ACUTE_ID), description="Ward by ward", weight=Decimal(3))
    given = replace(
        terms(
            narrative_milestone(),
            targeted,
            flu_milestone("FLU", Quarter.Q3),
            Milestone(
                "AE", "Fewer A&E attendances", Quarter.Q4, date(2015, 3, 31), measure=ae_reduction(Decimal(1200))
            ),
            Milestone("SCREEN", "Screening", Quarter.Q4, date(2015, 3, 31), measure=POINTS),
        ),
        participants=(Participant(ACUTE_ID, Decimal("1.5")), Participant(COMMUNITY_ID)),
        pack_deadlines=(PackDeadline(Quarter.Q2, date(2014, 11, 14)),),
    )
    typed = typed_terms(given, PROVIDER_NAMES)
    assert typed["rows"] == "6" and typed["m3-minimum"] == "0.6" and typed["m5-minimum"] == "2.5"
    assert read_back(typed).terms() == given


def test_a_row_emptied_is_retired_and_the_blank_row_adds_one() -> None:
    typed = typed_terms(terms(narrative_milestone("M1"), narrative_milestone("M2")), PROVIDER_NAMES)
    retired = {f"m1-{name}": "" for name in ("code", "title", "description", "due")}
    added = {"m3-code": "M3", "m3-title": "New", "m3-quarter": "Q3", "m3-due": "2014-12-31"}
    assert [m.code for m in read_back(typed | retired | added).terms().milestones] == ["M2", "M3"]
