"""Restatement after a quarter has closed, and a quarter's assessments as Corral knew them on a day or as they were
effective on a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_COMMISSIONER, CorralApp, CurrentActor, KnownScheme, ProgressReadings
from api.http.reads import json_read
from api.http.routing import api_router
from domain.achievement import AssessmentStatus
from domain.evidence import Figures
from domain.history import Standing, assessments_as_of
from domain.limits import SHORT_TEXT
from domain.milestones import Quarter
from domain.restatement import Correction
from projections.progress.queries import review_access

router = api_router("/schemes/{scheme_id}/quarters/{quarter}", tags=["reviews"])


class RestatementIn(BaseModel):
    status: AssessmentStatus
    rationale: str = Field(max_length=SHORT_TEXT.cap)
    reason: str = Field(max_length=SHORT_TEXT.cap, description="why the closed quarter is restated")
    numerator: Decimal | None = Field(default=None, description="corrected figures of a numeric milestone")
    denominator: Decimal | None = None
    override_reason: str = Field(default="", max_length=SHORT_TEXT.cap)
    effective_on: date | None = Field(
        default=None,
        description="the day inside the quarter it takes effect; none: the quarter's first day (the whole quarter)",
    )


@router.post(
    "/assessments/{provider_id}/{milestone_code}/restatement",
    response_model=RecordedOut,
    dependencies=[BY_COMMISSIONER, KnownScheme],
)
def restate_assessment(
    scheme_id: UUID, quarter: Quarter, provider_id: UUID, milestone_code: str, body: RestatementIn, act: Act
) -> JSONResponse:
    """After the quarter has closed, the commissioner restates a provider-milestone: corrected figures or a corrected
    assessment, effective in that quarter, recorded now, with a reason. The original stays as the quarter closed."""
    return act.run(
        f"restate {scheme_id} {quarter.value} {provider_id} {milestone_code} {described(body)}",
        lambda: act.corral.restate_assessment(
            act.actor,
            scheme_id,
            quarter,
            provider_id,
            milestone_code,
            Correction(
                body.status,
                body.rationale,
                body.reason,
                Figures.given(body.numerator, body.denominator),
                body.override_reason,
                body.effective_on,
            ),
            act.expected_version,
        ),
    )


class StandingOut(BaseModel):
    """One provider-milestone's standing assessment, as a point-in-time read finds it."""

    provider_id: UUID
    milestone_code: str
    status: AssessmentStatus
    achievement: Decimal | None
    rationale: str
    override_reason: str
    numerator: Decimal | None = Field(description="the figures judged, for a numeric milestone")
    denominator: Decimal | None
    effective_on: date
    recorded_at: datetime
    restated: bool = Field(description="a restatement after the close")
    reason: str = Field(description="why it was revised on appeal or restated; empty for a first assessment")


class AssessmentsAsOfOut(BaseModel):
    scheme_id: UUID
    quarter: Quarter
    known_on: date | datetime | None
    effective_on: date | None
    assessments: list[StandingOut]


@router.get("/assessments", response_model=AssessmentsAsOfOut)
def read_assessments(
    scheme_id: UUID,
    quarter: Quarter,
    actor: CurrentActor,
    corral: CorralApp,
    readings: ProgressReadings,
    known_on: Annotated[date | datetime | None, Query(description="as Corral knew it then")] = None,
    effective_on: Annotated[date | None, Query(description="as it was effective that day")] = None,
) -> Response:
    """Each provider-milestone's standing assessment, for the commissioner and the lead. `known_on` (a day, meaning
    its end in UTC, or a moment): as Corral knew it then, from what was recorded up to it. `effective_on` (a day):
    as it was effective that day, with everything known now; a restatement corrects its quarter from the day it
    takes effect, an assessment from the quarter's first day. Both together: as known then, effective that day.
    Each row gives the status, achievement, rationale, the figures judged, the day it takes effect, when it was
    recorded, whether it is a restatement after the close, and the reason for an appeal or a restatement."""
    review_access(readings, actor, str(scheme_id))
    known_at = known_on if isinstance(known_on, datetime) or known_on is None else _end_of(known_on)
    standing = assessments_as_of(corral, scheme_id, quarter, _in_utc(known_at), effective_on)
    return json_read(
        {
            "scheme_id": scheme_id,
            "quarter": quarter,
            "known_on": known_on,
            "effective_on": effective_on,
            "assessments": [_row(s) for s in standing],
        }
    )


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, UTC)


def _in_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _row(s: Standing) -> dict[str, object]:
    a = s.assessment
    return {
        "provider_id": a.provider_id,
        "milestone_code": a.milestone_code,
        "status": a.status,
        "achievement": a.achievement,
        "rationale": a.rationale,
        "override_reason": a.override_reason,
        "numerator": None if s.figures is None else s.figures.numerator,
        "denominator": None if s.figures is None else s.figures.denominator,
        "effective_on": s.effective_on,
        "recorded_at": s.recorded_at,
        "restated": s.restated,
        "reason": s.reason,
    }
