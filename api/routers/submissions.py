"""Submissions: a provider's evidence, revised until presented; the lead accepts or returns it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.access import readable_submission
from api.commands import Act, RecordedOut, described
from api.deps import BY_PROVIDER, CorralApp, CurrentActor, KnownScheme
from domain.evidence import Attachment, Evidence, Figures
from domain.limits import FILE_NAME, MEDIA_TYPE, SHORT_TEXT, InvalidInputError, within
from domain.submission import Submission

router = APIRouter(tags=["submissions"])


# Evidence is also how a submission is read back, so the domain alone checks its narrative and sizes: evidence
# recorded before the limits on input must still read.
class AttachmentIn(BaseModel):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=FILE_NAME.cap)
    size: int = Field(ge=0)
    media_type: str = Field(min_length=3, max_length=MEDIA_TYPE.cap)


class EvidenceIn(BaseModel):
    narrative: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    attachments: list[AttachmentIn] = []

    def evidence(self) -> Evidence:
        """The domain's value, whose own checks give the clear errors, naming each field by its place in the body."""
        if self.numerator is None and self.denominator is not None:
            raise InvalidInputError("numerator", "give the numerator as well as the denominator")
        figures = None if self.numerator is None else Figures(self.numerator, self.denominator)
        attachments = []
        for number, a in enumerate(self.attachments):
            with within(f"attachments.{number}"):
                attachments.append(Attachment(**a.model_dump()))
        return Evidence(self.narrative, figures, tuple(attachments))


class RevisionIn(EvidenceIn):
    reason: str = Field(max_length=SHORT_TEXT.cap)


class ReasonIn(BaseModel):
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
    evidence: EvidenceIn


@router.post(
    "/schemes/{scheme_id}/milestones/{milestone_code}/submissions",
    status_code=201,
    response_model=RecordedOut,
    dependencies=[BY_PROVIDER, KnownScheme],
)
def submit(scheme_id: UUID, milestone_code: str, body: EvidenceIn, act: Act) -> JSONResponse:
    """Submit your organisation's evidence for a milestone that applies to it."""
    return act.run(
        f"submit {scheme_id} {milestone_code} {described(body)}",
        lambda: act.corral.submit_evidence(act.actor, scheme_id, milestone_code, body.evidence()),
        201,
    )


def known_submission(submission_id: UUID, actor: CurrentActor, corral: CorralApp) -> Submission:
    """The submission, or 404 to anyone who may not read its evidence: a neighbour must not learn it exists."""
    return readable_submission(corral, actor, submission_id)


KnownSubmission = Annotated[Submission, Depends(known_submission)]


@router.get("/submissions/{submission_id}", response_model=SubmissionOut)
def read(submission: KnownSubmission) -> JSONResponse:
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
        evidence=EvidenceIn(
            narrative=evidence.narrative,
            numerator=figures.numerator if figures else None,
            denominator=figures.denominator if figures else None,
            attachments=[AttachmentIn(**a.__dict__) for a in evidence.attachments],
        ),
    )
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": f'"{submission.version}"'})


@router.post("/submissions/{submission_id}/revisions", response_model=RecordedOut)
def revise(submission_id: UUID, _: KnownSubmission, body: RevisionIn, act: Act) -> JSONResponse:
    """Replace your evidence with a new revision, saying why; If-Match guards against overwriting."""
    return act.run(
        f"revise {submission_id} {described(body)}",
        lambda: act.corral.revise_evidence(
            act.actor, submission_id, body.evidence(), body.reason, act.expected_version
        ),
    )


@router.post("/submissions/{submission_id}/withdrawal", response_model=RecordedOut)
def withdraw(submission_id: UUID, _: KnownSubmission, body: ReasonIn, act: Act) -> JSONResponse:
    """Take your evidence back before it is presented, saying why."""
    return act.run(
        f"withdraw {submission_id} {described(body)}",
        lambda: act.corral.withdraw_evidence(act.actor, submission_id, body.reason, act.expected_version),
    )


@router.post("/submissions/{submission_id}/acceptance", response_model=RecordedOut)
def accept(submission_id: UUID, _: KnownSubmission, body: CommentIn, act: Act) -> JSONResponse:
    """The lead accepts the evidence into its pack."""
    return act.run(
        f"accept {submission_id} {described(body)}",
        lambda: act.corral.accept_evidence(act.actor, submission_id, body.comments, act.expected_version),
    )


@router.post("/submissions/{submission_id}/return", response_model=RecordedOut)
def give_back(submission_id: UUID, _: KnownSubmission, body: CommentIn, act: Act) -> JSONResponse:
    """The lead returns the evidence to its provider with comments."""
    return act.run(
        f"return {submission_id} {described(body)}",
        lambda: act.corral.return_evidence(act.actor, submission_id, body.comments, act.expected_version),
    )
