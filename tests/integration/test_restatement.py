"""Restatement: after a quarter closes, the commissioner corrects figures or an assessment, effective in that
quarter and recorded now; the original stays as the quarter closed with it, and both as-of reads tell them apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import NotPermittedError, ReasonRequiredError
from domain.evidence import Figures
from domain.history import assessment_history, assessments_as_of
from domain.milestones import Quarter
from domain.effective import EffectiveDateOutsideQuarterError
from domain.restatement import Correction, QuarterNotClosedError
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, figures, flu_milestone
from tests.integration.given import agreed_scheme, event_count, flu_closed

Q1, MET, PARTLY = Quarter.Q1, AssessmentStatus.MET, AssessmentStatus.PARTIALLY_MET
CORRECTED = Correction(
    MET,
    "Validated figures.",
    "The trust's audit found 10 more staff vaccinated.",
    Figures(Decimal(80), Decimal(100)),
    effective_on=date(2014, 5, 1),
)


def test_the_commissioner_restates_a_closed_quarter_and_the_original_stays_as_it_closed(app: Corral) -> None:
    scheme_id = flu_closed(app)

    app.restate_assessment(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "FLU", CORRECTED)

    review = app.quarter_review(scheme_id, Q1)
    original, restated = review.assessment(ACUTE_ID, "FLU"), review.standing(ACUTE_ID, "FLU")
    assert (original.status, original.achievement, original.figures) == (PARTLY, Decimal("0.5"), None)
    assert (restated.status, restated.achievement) == (MET, Decimal(1))
    assert (restated.figures, restated.effective_on) == (Figures(Decimal(80), Decimal(100)), date(2014, 5, 1))
    history = assessment_history(app, scheme_id, Q1, ACUTE_ID, "FLU")
    assert [(h.assessment.status, h.restated) for h in history] == [(PARTLY, False), (MET, True)]
    assert history[-1].reason == CORRECTED.reason


def test_a_restatement_without_an_effective_day_corrects_the_whole_quarter(app: Corral) -> None:
    scheme_id = flu_closed(app)
    whole = Correction(
        AssessmentStatus.NOT_MET, "Not validated.", "Figures withdrawn.", Figures(Decimal(50), Decimal(100))
    )

    app.restate_assessment(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "FLU", whole)

    restated = app.quarter_review(scheme_id, Q1).standing(ACUTE_ID, "FLU")
    assert (restated.status, restated.achievement, restated.effective_on) == (
        AssessmentStatus.NOT_MET,
        Decimal(0),
        date(2014, 4, 1),
    )


def test_the_commissioner_cannot_restate_a_quarter_still_open(app: Corral) -> None:
    scheme_id = flu_closed(app, close=False)
    before = event_count(app)

    with pytest.raises(QuarterNotClosedError, match="revise on appeal"):
        app.restate_assessment(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "FLU", CORRECTED)

    assert event_count(app) == before


@pytest.mark.parametrize(
    ("who", "correction", "refusal"),
    [
        (ACUTE, CORRECTED, NotPermittedError),
        (COMMISSIONER, Correction(MET, "Validated.", " ", CORRECTED.figures), ReasonRequiredError),
        (
            COMMISSIONER,
            Correction(MET, "Validated.", "Audit.", CORRECTED.figures, effective_on=date(2014, 7, 1)),
            EffectiveDateOutsideQuarterError,
        ),
    ],
    ids=["by a provider", "without a reason", "effective outside the quarter"],
)
def test_a_restatement_is_refused_and_records_nothing(
    app: Corral, who: object, correction: Correction, refusal: type[Exception]
) -> None:
    scheme_id = flu_closed(app)
    before = event_count(app)

    with pytest.raises(refusal):
        app.restate_assessment(who, scheme_id, Q1, ACUTE_ID, "FLU", correction)  # type: ignore[arg-type]

    assert event_count(app) == before


def test_as_we_knew_it_before_the_restatement_the_original_stands_and_after_it_the_restated(app: Corral) -> None:
    scheme_id = flu_closed(app)
    between = datetime.now(UTC)
    app.restate_assessment(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "FLU", CORRECTED)

    [known_then] = assessments_as_of(app, scheme_id, Q1, known_at=between)
    [known_now] = assessments_as_of(app, scheme_id, Q1, known_at=datetime.now(UTC))

    assert (known_then.assessment.status, known_then.figures, known_then.restated) == (
        PARTLY,
        Figures(Decimal(70), Decimal(100)),
        False,
    )
    assert (known_now.assessment.status, known_now.figures, known_now.restated) == (MET, CORRECTED.figures, True)
    assert known_then.recorded_at <= between < known_now.recorded_at


def test_as_effective_on_a_day_the_restatement_covers_it_stands_and_before_it_the_original(app: Corral) -> None:
    scheme_id = flu_closed(app)
    app.restate_assessment(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "FLU", CORRECTED)

    [in_april] = assessments_as_of(app, scheme_id, Q1, effective_on=date(2014, 4, 20))
    [in_june] = assessments_as_of(app, scheme_id, Q1, effective_on=date(2014, 6, 1))

    assert (in_april.assessment.status, in_april.effective_on) == (PARTLY, date(2014, 4, 1))
    assert (in_june.assessment.status, in_june.effective_on) == (MET, date(2014, 5, 1))
    assert assessments_as_of(app, scheme_id, Q1, effective_on=date(2014, 3, 31)) == []


def test_a_provider_dates_its_evidence_inside_the_milestones_quarter_and_never_outside_it(app: Corral) -> None:
    scheme_id = agreed_scheme(app, flu_milestone(), participants=(ACUTE_ID,)).scheme_id
    outside = replace(figures(70, 100), effective_on=date(2014, 7, 1))
    before = event_count(app)

    with pytest.raises(EffectiveDateOutsideQuarterError, match="between 1 April 2014 and 30 June 2014") as refused:
        app.submit_evidence(ACUTE, scheme_id, "FLU", outside)
    assert (refused.value.field, event_count(app)) == ("effective_on", before)
    submission_id = app.submit_evidence(ACUTE, scheme_id, "FLU", replace(outside, effective_on=date(2014, 6, 1))).id

    assert app.submission(submission_id).evidence().effective_on == date(2014, 6, 1)
    with pytest.raises(EffectiveDateOutsideQuarterError):
        app.revise_evidence(ACUTE, submission_id, outside, "Later figures.")
