"""A scheme-quarter's review: the lead nudges and presents; the commissioner queries, assesses and closes."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.commands import Act, RecordedOut
from api.deps import BY_COMMISSIONER, BY_PROVIDER, KnownScheme
from domain.achievement import AssessmentStatus
from domain.milestones import Quarter

router = APIRouter(prefix="/schemes/{scheme_id}/quarters/{quarter}", tags=["reviews"])


class NudgeIn(BaseModel):
    provider_id: UUID
    message: str = Field(min_length=1, max_length=4000)


class QuestionsIn(BaseModel):
    questions: str = Field(min_length=1, max_length=20000)


class AssessmentIn(BaseModel):
    provider_id: UUID
    milestone_code: str
    status: AssessmentStatus
    rationale: str


class AppealIn(AssessmentIn):
    reason: str


@router.post("/nudges", response_model=RecordedOut, dependencies=[BY_PROVIDER, KnownScheme])
def nudge(scheme_id: UUID, quarter: Quarter, body: NudgeIn, act: Act) -> JSONResponse:
    """The lead reminds a participant that its evidence is due."""
    return act.run(
        f"nudge {scheme_id} {quarter.value} {body.model_dump_json()}",
        lambda: act.corral.nudge_provider(
            act.actor, scheme_id, quarter, body.provider_id, body.message, act.expected_version
        ),
    )


@router.post("/pack", response_model=RecordedOut, dependencies=[BY_PROVIDER, KnownScheme])
def present(scheme_id: UUID, quarter: Quarter, act: Act) -> JSONResponse:
    """The lead presents every accepted submission, pinned by revision."""
    return act.run(
        f"present {scheme_id} {quarter.value}",
        lambda: act.corral.present_pack(act.actor, scheme_id, quarter, act.expected_version),
    )


@router.post("/query", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def query(scheme_id: UUID, quarter: Quarter, body: QuestionsIn, act: Act) -> JSONResponse:
    """The commissioner sends the pack back to the lead with questions."""
    return act.run(
        f"query {scheme_id} {quarter.value} {body.model_dump_json()}",
        lambda: act.corral.query_pack(act.actor, scheme_id, quarter, body.questions, act.expected_version),
    )


@router.post("/assessments", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def assess(scheme_id: UUID, quarter: Quarter, body: AssessmentIn, act: Act) -> JSONResponse:
    """The commissioner assesses one provider-milestone: Met, Partially Met, Not Met or N/A, with a rationale."""
    return act.run(
        f"assess {scheme_id} {quarter.value} {body.model_dump_json()}",
        lambda: act.corral.assess_milestone(
            act.actor,
            scheme_id,
            quarter,
            body.provider_id,
            body.milestone_code,
            body.status,
            body.rationale,
            act.expected_version,
        ),
    )


@router.post("/appeals", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def revise_on_appeal(scheme_id: UUID, quarter: Quarter, body: AppealIn, act: Act) -> JSONResponse:
    """The commissioner revises an assessment on appeal, saying why; the first decision stays in the record."""
    return act.run(
        f"appeal {scheme_id} {quarter.value} {body.model_dump_json()}",
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
        ),
    )


@router.post("/closure", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def close(scheme_id: UUID, quarter: Quarter, act: Act) -> JSONResponse:
    """The commissioner closes the quarter once every provider-milestone is assessed, fixing its payments."""
    return act.run(
        f"close {scheme_id} {quarter.value}",
        lambda: act.corral.close_quarter(act.actor, scheme_id, quarter, act.expected_version),
    )
