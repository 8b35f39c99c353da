"""Figures recorded before the limits on input stay in the log for ever: the review arithmetic still answers for
them, and the commissioner can still assess the provider-milestone they belong to.

The old figures are built without today's checks and recorded through the submission's private `@event` method,
as an old event replays; reading them back relies on the event store decoding values without re-running those
checks (`domain/transcoding.py`'s `DataclassAsDict.decode`)."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from domain.achievement import AssessmentStatus, StatusDisagreesWithFiguresError, status_for_share, threshold_share
from domain.application import Corral
from domain.evidence import Evidence, Figures
from tests.builders import ACUTE, COMMISSIONER, COMMUNITY, COMMUNITY_ID, flu_milestone
from tests.integration.given import agreed_scheme

T = TypeVar("T")
FLU = flu_milestone()  # a rate, paid between 60% and 80%


def as_recorded(cls: type[T], **values: Any) -> T:
    """A value object as an old event holds it: built without today's checks."""
    value = object.__new__(cls)
    for field in fields(cls):  # type: ignore[arg-type]
        object.__setattr__(value, field.name, values.get(field.name, field.default))
    return value


@pytest.mark.parametrize(
    ("numerator", "denominator", "status"),
    [
        ("50", None, AssessmentStatus.NOT_MET),
        ("1E+999999999", None, AssessmentStatus.NOT_MET),
        ("1E+999999999", "1E+999999999", AssessmentStatus.MET),
        ("0.7", "1E-999999999", AssessmentStatus.MET),
        ("NaN", "100", AssessmentStatus.NOT_MET),
        ("Infinity", None, AssessmentStatus.NOT_MET),
    ],
    ids=["a rate of 50", "1E+999999999 alone", "huge over huge", "over a tiny denominator", "NaN", "infinity"],
)
def test_old_figures_in_a_presented_pack_still_give_a_share_and_can_be_assessed(
    app: Corral, numerator: str, denominator: str | None, status: AssessmentStatus
) -> None:
    scheme_id = agreed_scheme(app, FLU).scheme_id  # ACUTE leads; COMMUNITY takes part
    honest = Evidence("Occupational health figures.", Figures(Decimal(70), Decimal(100)))
    submission_id = app.submit_evidence(COMMUNITY, scheme_id, "FLU", honest).id
    old = as_recorded(Figures, numerator=Decimal(numerator), denominator=denominator and Decimal(denominator))
    submission = app.submission(submission_id)
    submission._revised(revision=2, evidence=Evidence("From the old system.", old), reason="imported", actor=COMMUNITY)
    app.save(submission)
    app.accept_evidence(ACUTE, submission_id)
    app.present_pack(ACUTE, scheme_id, FLU.quarter)
    figures = app.submission(submission_id).evidence(2).figures
    assert FLU.measure is not None and figures is not None

    share = threshold_share(FLU.measure, figures)
    with pytest.raises(StatusDisagreesWithFiguresError):
        contradicting = AssessmentStatus.NOT_MET if status is AssessmentStatus.MET else AssessmentStatus.MET
        app.assess_milestone(COMMISSIONER, scheme_id, FLU.quarter, COMMUNITY_ID, "FLU", contradicting, "checked")
    app.assess_milestone(COMMISSIONER, scheme_id, FLU.quarter, COMMUNITY_ID, "FLU", status, "as the figures give")

    assert Decimal(0) <= share <= Decimal(1) and status_for_share(share) is status
    assessment = app.quarter_review(scheme_id, FLU.quarter).assessment(COMMUNITY_ID, "FLU")
    assert (assessment.status, assessment.achievement) == (status, share)
