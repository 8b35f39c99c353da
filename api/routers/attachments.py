"""Attachments: upload a file to reference in evidence; download it if you may read that evidence."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel

from api.access import may_attach_evidence, readable_submission
from api.attachments import AttachmentStore
from api.deps import CorralApp, CurrentActor
from domain.errors import NotFoundError

router = APIRouter(tags=["attachments"])


class AttachmentOut(BaseModel):
    sha256: str
    name: str
    size: int
    media_type: str


def _store(request: Request) -> AttachmentStore:
    store: AttachmentStore = request.app.state.attachments
    return store


@router.post("/attachments", status_code=201, response_model=AttachmentOut)
def upload(file: UploadFile, request: Request, actor: CurrentActor) -> AttachmentOut:
    """Store a file for your evidence; refer to it in a submission by the SHA-256 returned."""
    may_attach_evidence(actor)
    kept = _store(request).keep(file.file, file.filename or "")
    return AttachmentOut(sha256=kept.sha256, name=kept.name, size=kept.size, media_type=kept.media_type)


@router.get("/submissions/{submission_id}/attachments/{sha256}", response_class=FileResponse)
def download(
    submission_id: UUID, sha256: str, request: Request, actor: CurrentActor, corral: CorralApp
) -> FileResponse:
    """A file of the evidence, for those who may read it, always as a download."""
    submission = readable_submission(corral, actor, submission_id)
    for evidence in submission.revisions:
        for attachment in evidence.attachments:
            path = _store(request).path(sha256)
            if attachment.sha256 == sha256 and path.exists():
                return FileResponse(
                    path,
                    media_type=attachment.media_type,
                    filename=attachment.name,
                    content_disposition_type="attachment",
                    headers={"X-Content-Type-Options": "nosniff"},
                )
    raise NotFoundError("that file is not part of this evidence")
