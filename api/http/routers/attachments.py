"""Attachments: upload a file to name in your evidence; download it if you may read that evidence."""

from __future__ import annotations

from uuid import UUID

from fastapi import UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel

from api.http.access import readable_file
from api.http.commands import keep_upload
from api.http.deps import AttachmentFiles, CorralApp, CurrentActor
from api.http.routing import api_router

router = api_router(tags=["attachments"])


class AttachmentOut(BaseModel):
    """A file as the server recorded it: its name made safe, its size, and the type its content shows."""

    sha256: str
    name: str
    size: int
    media_type: str


@router.post("/attachments", status_code=201, response_model=AttachmentOut)
def upload_attachment(
    file: UploadFile, store: AttachmentFiles, actor: CurrentActor, corral: CorralApp
) -> AttachmentOut:
    """Store a file as your organisation's; name it in your evidence by the SHA-256 returned (again: no error)."""
    kept = keep_upload(store, corral, actor, file)
    return AttachmentOut(sha256=kept.sha256, name=kept.name, size=kept.size, media_type=kept.media_type)


@router.get("/submissions/{submission_id}/attachments/{sha256}", response_class=FileResponse)
def download_attachment(
    submission_id: UUID, sha256: str, store: AttachmentFiles, actor: CurrentActor, corral: CorralApp
) -> FileResponse:
    """A file of the evidence, for those who may read it: always a download, typed by its stored content."""
    stored = readable_file(corral, actor, submission_id, sha256, store)
    return FileResponse(
        stored.path,
        media_type=stored.media_type,
        filename=stored.name,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )
