"""Measures and assessments recorded before thresholds carried their unit, or an assessment could depart from the
figures: they read as they always did, and pay exactly what they paid."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.persistence import JSONTranscoder, Transcoding
from sqlalchemy import select

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.assessment import Assessment
from domain.milestones import MeasureUnit, NumericMeasure, Quarter
from domain.transcoding import DataclassAsDict
from projections.progress.queries import programme_payments
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, figures, flu_milestone
from tests.integration.given import agreed_scheme, presented
from tests.integration.read_models import Views, shown, views_of


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


class Without(DataclassAsDict):
    """Records a value object without the fields added since; reads as today's transcoding does."""

    def __init__(self, today: Transcoding, *added: str) -> None:
        super().__init__(today.type)
        self.today, self.added = today, added

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: value for name, value in super().encode(obj).items() if name not in self.added}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.today.decode(data)


@contextmanager
def recorded_as_before(app: Corral) -> Iterator[None]:
    """Events saved inside are stored as they were before units and departures: without those fields."""
    transcoder = app.mapper.transcoder
    assert isinstance(transcoder, JSONTranscoder)
    current = [transcoder.types[NumericMeasure], transcoder.types[Assessment]]
    transcoder.register(Without(current[0], "unit"))
    transcoder.register(Without(current[1], "override_reason", "figures_share"))
    try:
        yield
    finally:
        for transcoding in current:
            transcoder.register(transcoding)


def test_an_old_rate_measure_and_its_assessment_read_as_fractions_and_pay_as_before(app: Corral, views: Views) -> None:
    with recorded_as_before(app):
        agreed = agreed_scheme(app, flu_milestone(), participants=(ACUTE_ID,))  # 0.60 to 0.80, no unit stored
        presented(app, agreed.scheme_id, (ACUTE, "FLU", figures(67, 100)))
        app.assess_milestone(
            COMMISSIONER, agreed.scheme_id, Quarter.Q1, ACUTE_ID, "FLU", AssessmentStatus.PARTIALLY_MET, "67%"
        )
    stored = [e.state for e in app.recorder.select_events(agreed.scheme_id)]
    assert stored and not any(b'"unit"' in state for state in stored)

    measure = app.scheme(agreed.scheme_id).agreed_terms.milestone("FLU").measure
    assessment = app.quarter_review(agreed.scheme_id, Quarter.Q1).assessment(ACUTE_ID, "FLU")
    views.caught_up(app)
    paid = programme_payments(views.progress, str(agreed.programme_id)).providers[str(ACUTE_ID)]
    with views.database.engine.connect() as conn:
        units = conn.execute(select(views.progress.milestones.c.unit)).scalars().all()

    assert measure is not None and (measure.minimum, measure.unit) == (Decimal("0.60"), MeasureUnit.FRACTION)
    assert (assessment.achievement, assessment.override_reason, assessment.figures_share) == (
        Decimal("0.35"),
        "",
        None,
    )
    assert shown(paid.total)["earned"] == Decimal(875_000) and paid.overridden == []
    assert set(units) == {"fraction"}
