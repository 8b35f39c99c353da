"""Submissions: a provider's evidence, revised until presented; the lead accepts or returns it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.http.access import readable_submission
from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_PROVIDER, CorralApp, CurrentActor, KnownScheme
from api.http.openapi import VERSIONED
from api.http.routers.attachments import AttachmentOut
from api.http.routing import api_router
from domain.actors import Actor
from domain.application import Corral
from domain.evidence import Evidence, Figures
from domain.limits import SHORT_TEXT
from domain.submission import Submission

router = api_router(tags=["submissions"])


class AttachmentIn(BaseModel):
    """A file your organisation uploaded, named by the SHA-256 that `POST /attachments` returned.

    Only `sha256` is read. The name, size and media type are those the server recorded at the upload; `name`,
    `size` and `media_type`, which older clients send, are accepted and ignored.
    """

    model_config = ConfigDict(extra="ignore")

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class EvidenceIn(BaseModel):
    narrative: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    attachments: list[AttachmentIn] = Field(
        [], description="files your organisation uploaded (or that an earlier revision of this evidence holds)"
    )
    effective_on: date | None = Field(
        default=None, description="the day inside the milestone's quarter it is about; none: the quarter's last day"
    )

    def evidence(self, corral: Corral, actor: Actor, submission: Submission | None = None) -> Evidence:
        """The domain's value, each file as its upload was recorded; the domain's own checks give the clear errors."""
        figures = Figures.given(self.numerator, self.denominator)
        named = [a.sha256 for a in self.attachments]
        attachments = corral.uploaded_attachments(actor, named, submission)
        return Evidence(self.narrative, figures, attachments, self.effective_on)


class EvidenceOut(BaseModel):
    narrative: str
    numerator: Decimal | None
    denominator: Decimal | None
    attachments: list[AttachmentOut]
    effective_on: date | None = Field(description="as the provider gave it; none: the last day of its quarter")


class RevisionIn(EvidenceIn):
    reason: str = Field(max_length=SHORT_TEXT.cap)


class WithdrawalIn(BaseModel):
    reason: str = Field(max_length=SHORT_TEXT.cap)


class CommentIn(BaseModel):
    comments: str = Field("", max_length=SHORT_TEXT.cap)


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
    evidence: EvidenceOut


@router.post(
    "/schemes/{scheme_id}/milestones/{milestone_code}/submissions",
    status_code=201,
    response_model=RecordedOut,
    dependencies=[BY_PROVIDER, KnownScheme],
)
def submit_evidence(scheme_id: UUID, milestone_code: str, body: EvidenceIn, act: Act) -> JSONResponse:
    """Submit your organisation's evidence for a milestone that applies to it."""
    return act.run(
        f"submit {scheme_id} {milestone_code} {described(body)}",
        lambda: act.corral.submit_evidence(act.actor, scheme_id, milestone_code, body.evidence(act.corral, act.actor)),
        201,
    )


def known_submission(submission_id: UUID, actor: CurrentActor, corral: CorralApp) -> Submission:
    """The submission, or 404 to anyone who may not read its evidence: a neighbour must not learn it exists."""
    return readable_submission(corral, actor, submission_id)


KnownSubmission = Annotated[Submission, Depends(known_submission)]


@router.get("/submissions/{submission_id}", response_model=SubmissionOut, responses=VERSIONED)
def read_submission(submission: KnownSubmission) -> JSONResponse:
    """The evidence in full: for its provider, the scheme's lead and the commissioner."""
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
        evidence=EvidenceOut(
            narrative=evidence.narrative,
            numerator=figures.numerator if figures else None,
            denominator=figures.denominator if figures else None,
            attachments=[AttachmentOut(**a.__dict__) for a in evidence.attachments],
            effective_on=evidence.effective_on,
        ),
    )
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": f'"{submission.version}"'})


@router.post("/submissions/{submission_id}/revisions", response_model=RecordedOut)
def revise_submission(submission_id: UUID, submission: KnownSubmission, body: RevisionIn, act: Act) -> JSONResponse:
    """Replace your evidence with a new revision, saying why; If-Match guards against overwriting."""
    return act.run(
        f"revise {submission_id} {described(body)}",
        lambda: act.corral.revise_evidence(
            act.actor,
            submission_id,
            body.evidence(act.corral, act.actor, submission),
            body.reason,
            act.expected_version,
        ),
    )


@router.post("/submissions/{submission_id}/withdrawal", response_model=RecordedOut)
def withdraw_submission(submission_id: UUID, _: KnownSubmission, body: WithdrawalIn, act: Act) -> JSONResponse:
    """Take your evidence back before it is presented, saying why."""
    return act.run(
        f"withdraw {submission_id} {described(body)}",
        lambda: act.corral.withdraw_evidence(act.actor, submission_id, body.reason, act.expected_version),
    )


@router.post("/submissions/{submission_id}/acceptance", response_model=RecordedOut)
def accept_submission(submission_id: UUID, _: KnownSubmission, body: CommentIn, act: Act) -> JSONResponse:
    """The lead accepts the evidence into its pack."""
    return act.run(
        f"accept {submission_id} {described(body)}",
        lambda: act.corral.accept_evidence(act.actor, submission_id, body.comments, act.expected_version),
    )


@router.post("/submissions/{submission_id}/return", response_model=RecordedOut)
def return_submission(submission_id: UUID, _: KnownSubmission, body: CommentIn, act: Act) -> JSONResponse:
    """The lead returns the evidence to its provider with comments."""
    return act.run(
        f"return {submission_id} {described(body)}",
        lambda: act.corral.return_evidence(act.actor, submission_id, body.comments, act.expected_version),
    )
