"""Assessments: the commissioner assesses each provider-milestone and revises on appeal; every decision's history."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.access import may_read_assessments
from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_COMMISSIONER, CorralApp, CurrentActor, KnownScheme
from api.http.reads import json_read
from api.http.routing import api_router
from domain.achievement import AssessmentStatus
from domain.history import AssessedEvidence, assessment_history
from domain.limits import SHORT_TEXT
from domain.milestones import Quarter

router = api_router("/schemes/{scheme_id}/quarters/{quarter}")


class AssessmentIn(BaseModel):
    provider_id: UUID
    milestone_code: str
    status: AssessmentStatus
    rationale: str = Field(max_length=SHORT_TEXT.cap)
    override_reason: str = Field(
        default="",
        max_length=SHORT_TEXT.cap,
        description="why a numeric milestone's status departs from the share its figures give, e.g. figures that"
        " were not validated; without one, the status must follow the figures",
    )


class AppealIn(AssessmentIn):
    reason: str = Field(max_length=SHORT_TEXT.cap)


@router.post("/assessments", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme], tags=["reviews"])
def assess(scheme_id: UUID, quarter: Quarter, body: AssessmentIn, act: Act) -> JSONResponse:
    """The commissioner assesses one provider-milestone: Met, Partially Met, Not Met or N/A, with a rationale."""
    return act.run(
        f"assess {scheme_id} {quarter.value} {described(body)}",
        lambda: act.corral.assess_milestone(
            act.actor,
            scheme_id,
            quarter,
            body.provider_id,
            body.milestone_code,
            body.status,
            body.rationale,
            act.expected_version,
            body.override_reason,
        ),
    )


@router.post("/appeals", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme], tags=["reviews"])
def revise_on_appeal(scheme_id: UUID, quarter: Quarter, body: AppealIn, act: Act) -> JSONResponse:
    """The commissioner revises an assessment on appeal, saying why; the first decision stays in the record."""
    return act.run(
        f"appeal {scheme_id} {quarter.value} {described(body)}",
        lambda: act.corral.revise_assessment(
            act.actor,
            scheme_id,
            quarter,
            body.provider_id,
            body.milestone_code,
            body.status,
            body.rationale,
            body.reason,
            act.expected_version,
            body.override_reason,
        ),
    )


@router.get(
    "/assessments/{provider_id}/{milestone_code}/history", response_model=list[AssessedEvidence], tags=["boards"]
)
def read_assessment_history(
    scheme_id: UUID, quarter: Quarter, provider_id: UUID, milestone_code: str, actor: CurrentActor, corral: CorralApp
) -> Any:
    """Every decision on one provider-milestone, oldest first, with the exact evidence each was based on."""
    may_read_assessments(corral, actor, scheme_id, provider_id)
    return json_read([asdict(h) for h in assessment_history(corral, scheme_id, quarter, provider_id, milestone_code)])
