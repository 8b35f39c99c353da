"""The pack as a ZIP for the archive: the PDF, every attachment of the pinned revisions, the checkpoint covering the
pack when there is one, and `manifest.json` with each file's SHA-256 and source. Entries in a fixed order with a fixed
time, so the same pack is the same bytes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from web.packs.contents import PackContents, PackFile

# Reads a stored attachment's bytes by its SHA-256 and name; None when the store does not keep it.
ReadFile = Callable[[str, str], bytes | None]
NOT_KEPT = "not kept in the attachment store"
ALTERED = "the stored file does not match the SHA-256 recorded at upload, so it is left out"


def pack_zip(pack: PackContents, pdf: bytes, read: ReadFile) -> bytes:
    """The archive: `<name>.pdf`, `attachments/<provider>/<milestone>/<file>`, `checkpoint.json`, `manifest.json`."""
    files: list[tuple[str, bytes, dict[str, Any]]] = [(f"{pack.name}.pdf", pdf, {"what": "the pack, for people"})]
    left_out = []
    for kept in pack.files:
        content = read(kept.attachment.sha256, kept.attachment.name)
        problem = NOT_KEPT if content is None else _problem(kept, content)
        if content is None or problem:
            left_out.append(_described(kept) | {"problem": problem})
        else:
            files.append((kept.path, content, _described(kept)))
    if pack.checkpoint is not None:
        files.append(("checkpoint.json", pack.checkpoint.document.encode(), {"what": "the signed checkpoint"}))
    manifest = _manifest(pack, files, left_out)
    when = pack.presented.at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content, _ in [*files, ("manifest.json", manifest, {})]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def _problem(kept: PackFile, content: bytes) -> str:
    return "" if hashlib.sha256(content).hexdigest() == kept.attachment.sha256 else ALTERED


def _described(kept: PackFile) -> dict[str, Any]:
    """An attachment's record: what the evidence named, the submission, and its source."""
    return {
        "what": "an attachment of the evidence",
        "name": kept.attachment.name,
        "media_type": kept.attachment.media_type,
        "recorded_sha256": kept.attachment.sha256,
        "submission_id": str(kept.submission_id),
        "source": kept.source.as_json(),
    }


def _manifest(pack: PackContents, files: list[tuple[str, bytes, dict[str, Any]]], left_out: list[Any]) -> bytes:
    """Every file's SHA-256 and size, what the pack is, and the source of each piece of evidence in it."""
    document = {
        "pack": {
            "scheme_id": str(pack.scheme_id),
            "scheme": pack.scheme_title,
            "programme": pack.programme,
            "quarter": pack.quarter.value,
            "number": pack.number,
            "part_of": pack.part_of,
            "presented": pack.presented.as_json(),
            "record_up_to": pack.last.as_json(),
            "checkpoint": None if pack.checkpoint is None else {"position": pack.checkpoint.position},
        },
        "files": [
            {"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)} | described
            for name, content, described in files
        ],
        "attachments_left_out": left_out,
        "evidence": [
            {
                "provider": part.provider,
                "milestone": entry.milestone.code,
                "submission_id": str(entry.revision.entry.submission_id),
                "revision": entry.revision.entry.revision,
                "figures": None
                if entry.evidence.figures is None
                else {
                    "numerator": str(entry.evidence.figures.numerator),
                    "denominator": _text(entry.evidence.figures.denominator),
                },
                "source": entry.submitted.as_json(),
                "lead_acceptance": entry.accepted.as_json() if entry.accepted else None,
                "decisions": [
                    {"status": d.recorded.assessment.status.value, "source": d.source.as_json()}
                    for d in entry.decisions
                ],
            }
            for part in pack.parts
            for entry in part.entries
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode()


def _text(value: object) -> str | None:
    return None if value is None else str(value)
