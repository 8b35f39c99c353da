"""Evidence packs to download: each presented pack of a scheme-quarter as a PDF for people and a ZIP for the archive.

The commissioner's staff, its auditors and the scheme's lead get the whole pack; another participant gets its own
part; anyone else, and any pack never presented, gets the same 404 as something that does not exist."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.http.deps import AttachmentFiles, CorralApp, CurrentActor, ProgressReadings, ViewsAfter
from api.http.routing import api_router
from domain.errors import NotFoundError
from domain.milestones import Quarter
from domain.pack_history import presented_packs
from projections.progress.queries import pack_part, unseen
from web.packs.archive import pack_zip
from web.packs.contents import PackContents, pack_contents
from web.packs.pdf import pack_pdf

router = api_router("/schemes/{scheme_id}/quarters/{quarter}/packs", tags=["packs"])
Number = Path(ge=1, le=10_000, description="the pack's number in its quarter, from 1")
PDF, ZIP = "application/pdf", "application/zip"


def packs_path(scheme_id: UUID | str, quarter: Quarter | str) -> str:
    """Where a scheme-quarter's packs are downloaded."""
    return router.prefix.format(scheme_id=scheme_id, quarter=Quarter(quarter).value)


class PresentedPack(BaseModel):
    """A pack presented, with where to download it."""

    number: int
    presented_at: str = Field(json_schema_extra={"format": "date-time"})
    presented_by: str
    pdf: str = Field(description="the pack as a PDF")
    zip: str = Field(description="the pack's evidence files as a ZIP")


@router.get("", response_model=list[PresentedPack])
def list_packs(
    scheme_id: UUID, quarter: Quarter, actor: CurrentActor, readings: ProgressReadings, corral: CorralApp, _: ViewsAfter
) -> list[dict[str, Any]]:
    """The packs presented this quarter, pack 1 first, each with its PDF and ZIP links (your own part, if not the
    whole pack is yours to read)."""
    pack_part(readings, actor, str(scheme_id))
    base = packs_path(scheme_id, quarter)
    return [
        {
            "number": number,
            "presented_at": source.at.isoformat(),
            "presented_by": source.username,
            "pdf": f"{base}/{number}.pdf",
            "zip": f"{base}/{number}.zip",
        }
        for number, source in enumerate(presented_packs(corral, scheme_id, quarter), start=1)
    ]


@router.get("/{number}.pdf", response_class=Response, responses={200: {"content": {PDF: {}}}})
def download_pack_pdf(
    scheme_id: UUID,
    quarter: Quarter,
    actor: CurrentActor,
    readings: ProgressReadings,
    corral: CorralApp,
    _: ViewsAfter,
    number: int = Number,
) -> Response:
    """The pack as presented, for people: cover, contents, each provider-milestone's evidence, figures and threshold
    maths, the lead's notes and the commissioner's assessment, every fact attributed to its source."""
    pack = _readable(corral, readings, actor, scheme_id, quarter, number)
    return _download(pack_pdf(pack), PDF, f"{pack.name}.pdf")


@router.get("/{number}.zip", response_class=Response, responses={200: {"content": {ZIP: {}}}})
def download_pack_zip(
    scheme_id: UUID,
    quarter: Quarter,
    actor: CurrentActor,
    readings: ProgressReadings,
    corral: CorralApp,
    store: AttachmentFiles,
    _: ViewsAfter,
    number: int = Number,
) -> Response:
    """The pack for the archive: its PDF, every attachment, the covering checkpoint if any, and manifest.json
    with each file's SHA-256."""
    pack = _readable(corral, readings, actor, scheme_id, quarter, number)

    def read(sha256: str, name: str) -> bytes | None:
        stored = store.stored(sha256, name)
        return stored.path.read_bytes() if stored is not None else None

    return _download(pack_zip(pack, pack_pdf(pack), read), ZIP, f"{pack.name}.zip")


def _readable(
    corral: CorralApp, readings: ProgressReadings, actor: CurrentActor, scheme_id: UUID, quarter: Quarter, number: int
) -> PackContents:
    """The pack, or the actor's own part of it; one NotFoundError for a pack not theirs and one never presented."""
    what = "evidence pack with that number"
    try:
        part = pack_part(readings, actor, str(scheme_id))
        return pack_contents(corral, scheme_id, quarter, number, UUID(part) if part is not None else None)
    except NotFoundError:
        raise unseen(what) from None


def _download(content: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"}
    return Response(content, media_type=media_type, headers=headers)
