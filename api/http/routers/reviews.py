"""A scheme-quarter's review: the packs presented and the assessments made; the commissioner queries and closes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_COMMISSIONER, CorralApp, CurrentActor, KnownScheme, ProgressReadings
from api.http.openapi import VERSIONED
from api.http.routing import api_router
from domain.achievement import AssessmentStatus
from domain.assessment import Assessment
from domain.errors import NotFoundError
from domain.limits import LONG_TEXT, SHORT_TEXT
from domain.milestones import Quarter
from domain.quarter_review import ReviewStatus
from projections.progress.queries import organisation_names, review_access

router = api_router("/schemes/{scheme_id}/quarters/{quarter}", tags=["reviews"])


class QuestionsIn(BaseModel):
    questions: str = Field(min_length=1, max_length=LONG_TEXT.cap)


class CallInIn(BaseModel):
    submission_id: UUID
    reason: str = Field(max_length=SHORT_TEXT.cap)


class PackEntryOut(BaseModel):
    submission_id: UUID
    provider_id: UUID
    milestone_code: str
    revision: int


class PackOut(BaseModel):
    number: int
    entries: list[PackEntryOut]
    missing: list[str] = Field(description="each provider-milestone missing, as `<provider id>/<milestone code>`")
    missing_named: list[str] = Field(description="the same, as people read it: `<organisation name>: <code>`")


class AssessmentOut(BaseModel):
    provider_id: UUID
    milestone_code: str
    status: AssessmentStatus
    rationale: str
    achievement: str | None
    evidence_assessed: PackEntryOut | None
    effective_on: date | None = Field(default=None, description="a restatement's: the day it takes effect")

    @classmethod
    def of(cls, a: Assessment) -> AssessmentOut:
        """An assessment as the API shows it, its achievement an exact string."""
        return cls.model_validate(asdict(a) | {"achievement": None if a.achievement is None else str(a.achievement)})


class ReviewOut(BaseModel):
    scheme_id: UUID
    quarter: Quarter
    status: str
    pack_deadline: date | None
    packs: list[PackOut]
    called_in: list[PackEntryOut] = Field(description="evidence the commissioner called in past the lead")
    assessments: list[AssessmentOut] = Field(description="the standing assessments as the quarter closed with them")
    restated: list[AssessmentOut] = Field(
        default=[], description="after the close, each restatement in the order recorded; the latest stands"
    )


@router.get("/review", response_model=ReviewOut, responses=VERSIONED)
def read_review(
    scheme_id: UUID, quarter: Quarter, actor: CurrentActor, corral: CorralApp, readings: ProgressReadings
) -> JSONResponse:
    """The packs presented and the assessments made, for the lead and the commissioner; its version as the ETag
    ("0" before anything has happened in the quarter), for If-Match on the review's changes."""
    review_access(readings, actor, str(scheme_id))
    scheme = corral.scheme(scheme_id)
    deadline = scheme.agreed_terms.pack_deadline(quarter) if scheme.agreed_versions else None
    try:
        review = corral.quarter_review(scheme_id, quarter)
    except NotFoundError:
        empty = ReviewOut(
            scheme_id=scheme_id,
            quarter=quarter,
            status=ReviewStatus.OPEN.value,
            pack_deadline=deadline,
            packs=[],
            called_in=[],
            assessments=[],
        )
        return JSONResponse(empty.model_dump(mode="json"), headers={"ETag": '"0"'})
    out = ReviewOut(
        scheme_id=scheme_id,
        quarter=quarter,
        status=review.status.value,
        pack_deadline=deadline,
        packs=[
            PackOut.model_validate(asdict(pack) | {"missing_named": pack.missing_named(organisation_names(readings))})
            for pack in review.packs
        ],
        called_in=[PackEntryOut.model_validate(asdict(entry)) for entry in review.called_in],
        assessments=[AssessmentOut.of(a) for a in review.assessments.values()],
        restated=[AssessmentOut.of(a) for a in review.restated],
    )
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": f'"{review.version}"'})


@router.post("/query", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def query_pack(scheme_id: UUID, quarter: Quarter, body: QuestionsIn, act: Act) -> JSONResponse:
    """The commissioner sends the pack back to the lead with questions."""
    return act.run(
        f"query {scheme_id} {quarter.value} {described(body)}",
        lambda: act.corral.query_pack(act.actor, scheme_id, quarter, body.questions, act.expected_version),
    )


@router.post("/call-ins", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def call_in(scheme_id: UUID, quarter: Quarter, body: CallInIn, act: Act) -> JSONResponse:
    """Past the pack deadline, the commissioner calls in evidence the lead has not presented, with a reason, to assess
    it directly. If-Match takes the quarter review's version."""
    return act.run(
        f"call in {scheme_id} {quarter.value} {described(body)}",
        lambda: act.corral.call_in_evidence(
            act.actor, scheme_id, quarter, body.submission_id, body.reason, act.expected_version
        ),
    )


@router.post("/closure", response_model=RecordedOut, dependencies=[BY_COMMISSIONER, KnownScheme])
def close_quarter(scheme_id: UUID, quarter: Quarter, act: Act) -> JSONResponse:
    """The commissioner closes the quarter once every provider-milestone is assessed, fixing its payments."""
    return act.run(
        f"close {scheme_id} {quarter.value}",
        lambda: act.corral.close_quarter(act.actor, scheme_id, quarter, act.expected_version),
    )
