"""Submissions: a provider's evidence, revised until presented; the lead accepts or returns it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.access import may_read_evidence
from api.deps import CorralApp, CurrentActor, Idempotency
from domain.evidence import Attachment, Evidence, Figures
from domain.service import Recorded

router = APIRouter(tags=["submissions"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
IfMatch = Annotated[str | None, Header(alias="If-Match")]


class AttachmentIn(BaseModel):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=0)
    media_type: str = Field(min_length=3, max_length=100)


class EvidenceIn(BaseModel):
    narrative: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    attachments: list[AttachmentIn] = []

    def evidence(self) -> Evidence:
        """The domain's value, whose own checks give the clear errors."""
        figures = None if self.numerator is None else Figures(self.numerator, self.denominator)
        return Evidence(self.narrative, figures, tuple(Attachment(**a.model_dump()) for a in self.attachments))


class RevisionIn(EvidenceIn):
    reason: str


class ReasonIn(BaseModel):
    reason: str


class CommentIn(BaseModel):
    comments: str = ""


class RecordedOut(BaseModel):
    id: str
    version: int
    position: int


class SubmissionOut(BaseModel):
    id: str
    scheme_id: str
    provider_id: str
    milestone_code: str
    quarter: str
    status: str
    revision: int
    version: int
    lead_comments: str
    evidence: EvidenceIn


def recorded(recorded: Recorded, status_code: int = 200) -> JSONResponse:
    body = {"id": str(recorded.id), "version": recorded.version, "position": recorded.position}
    return JSONResponse(body, status_code=status_code, headers={"ETag": f'"{recorded.version}"'})


def expected(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    try:
        return int(if_match.strip().strip('"'))
    except ValueError:
        raise HTTPException(400, f'If-Match must be an ETag this API gave, such as "3", not {if_match!r}') from None


@router.post(
    "/schemes/{scheme_id}/milestones/{milestone_code}/submissions", status_code=201, response_model=RecordedOut
)
def submit(
    scheme_id: UUID,
    milestone_code: str,
    body: EvidenceIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Submit your organisation's evidence for a milestone that applies to it."""
    request = f"submit {scheme_id} {milestone_code} {body.model_dump_json()}"
    return keys.once(
        actor.user_id,
        key,
        request,
        lambda: recorded(corral.submit_evidence(actor, scheme_id, milestone_code, body.evidence()), 201),
    )


@router.get("/submissions/{submission_id}", response_model=SubmissionOut)
def read(submission_id: UUID, actor: CurrentActor, corral: CorralApp) -> JSONResponse:
    """The evidence in full: for its provider, the scheme's lead and the commissioner."""
    submission = corral.submission(submission_id)
    may_read_evidence(corral, actor, submission)
    evidence = submission.evidence()
    figures = evidence.figures
    out = SubmissionOut(
        id=str(submission.id),
        scheme_id=str(submission.scheme_id),
        provider_id=str(submission.provider_id),
        milestone_code=submission.milestone_code,
        quarter=submission.quarter.value,
        status=submission.status.value,
        revision=submission.revision,
        version=submission.version,
        lead_comments=submission.lead_comments,
        evidence=EvidenceIn(
            narrative=evidence.narrative,
            numerator=figures.numerator if figures else None,
            denominator=figures.denominator if figures else None,
            attachments=[AttachmentIn(**a.__dict__) for a in evidence.attachments],
        ),
    )
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": f'"{submission.version}"'})


@router.post("/submissions/{submission_id}/revisions", response_model=RecordedOut)
def revise(
    submission_id: UUID,
    body: RevisionIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Replace your evidence with a new revision, saying why; If-Match guards against overwriting."""
    request = f"revise {submission_id} {if_match} {body.model_dump_json()}"
    return keys.once(
        actor.user_id,
        key,
        request,
        lambda: recorded(
            corral.revise_evidence(actor, submission_id, body.evidence(), body.reason, expected(if_match))
        ),
    )


@router.post("/submissions/{submission_id}/withdrawal", response_model=RecordedOut)
def withdraw(
    submission_id: UUID,
    body: ReasonIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Take your evidence back before it is presented, saying why."""
    request = f"withdraw {submission_id} {if_match} {body.model_dump_json()}"
    return keys.once(
        actor.user_id,
        key,
        request,
        lambda: recorded(corral.withdraw_evidence(actor, submission_id, body.reason, expected(if_match))),
    )


@router.post("/submissions/{submission_id}/acceptance", response_model=RecordedOut)
def accept(
    submission_id: UUID,
    body: CommentIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    """The lead accepts the evidence into its pack."""
    request = f"accept {submission_id} {if_match} {body.model_dump_json()}"
    return keys.once(
        actor.user_id,
        key,
        request,
        lambda: recorded(corral.accept_evidence(actor, submission_id, body.comments, expected(if_match))),
    )


@router.post("/submissions/{submission_id}/return", response_model=RecordedOut)
def give_back(
    submission_id: UUID,
    body: CommentIn,
    actor: CurrentActor,
    corral: CorralApp,
    keys: Idempotency,
    key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    """The lead returns the evidence to its provider with comments."""
    request = f"return {submission_id} {if_match} {body.model_dump_json()}"
    return keys.once(
        actor.user_id,
        key,
        request,
        lambda: recorded(corral.return_evidence(actor, submission_id, body.comments, expected(if_match))),
    )
