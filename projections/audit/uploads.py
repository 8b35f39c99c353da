"""Upload events in plain English: which organisation uploaded which file, of what kind and size."""

from __future__ import annotations

from domain.upload import Upload
from projections.audit.context import Context, Lookup
from projections.audit.describe import Described, about, describes
from projections.audit.phrasing import who

KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "text/csv": "CSV",
    "text/plain": "plain text",
}


def file_size(size: int) -> str:
    """`1 byte`, `900 bytes`, `12 KB`, `3.4 MB`."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _uploaded(e: Upload.FileUploaded | Upload.FileUploadedAgain, lookup: Lookup, again: str = "") -> Described:
    a = e.attachment
    kind = KINDS.get(a.media_type, a.media_type)
    # An upload concerns no programme: it is the uploading provider's own until its evidence names it.
    return about(
        Context(),
        f"{who(e, lookup)} uploaded {a.name}{again} ({kind}, {file_size(a.size)})",
        provider_id=e.actor.organisation_id,
    )


@describes(Upload.FileUploaded)
def _file_uploaded(e: Upload.FileUploaded, lookup: Lookup) -> Described:
    return _uploaded(e, lookup)


@describes(Upload.FileUploadedAgain)
def _file_uploaded_again(e: Upload.FileUploadedAgain, lookup: Lookup) -> Described:
    return _uploaded(e, lookup, " again")
