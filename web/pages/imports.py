"""Schemes imported from a workbook: the commissioner uploads it, sees every fault or what would be drafted, and
confirms; the workbook waits in the attachment store between the two, named by its hash and a proof it was theirs."""

from __future__ import annotations

import hashlib
import hmac
import io
from typing import Annotated
from uuid import UUID

from fastapi import File, Form, UploadFile
from fastapi.responses import Response

from api.http.access import commissioned_programme
from api.http.commands import FormAct
from api.http.deps import AttachmentFiles, ServerSettings
from api.http.imports.drafts import Checked, check
from api.http.imports.reading import MAX_BYTES, from_workbook
from projections.progress.queries import programme_heading
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.flash import Flash

router = page_router()
NAME = "schemes.xlsx"


def _proof(key: str, page: Page, programme_id: UUID, sha256: str) -> str:
    """Binds a kept workbook to the one who uploaded it, for this programme: no one confirms a file by its hash alone."""
    message = f"scheme-import:{page.viewer.actor.user_id}:{programme_id}:{sha256}"
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _shown(
    page: Page,
    programme_id: UUID,
    checked: Checked | None = None,
    kept: dict[str, str] | None = None,
    failure: FormFailure | None = None,
) -> Response:
    """The page: the upload form, with the workbook's faults, or what it would draft and the form to confirm."""
    programme = commissioned_programme(page.corral, page.viewer.actor, programme_id)
    if checked is not None and checked.errors:
        errors = [("import-workbook", error.sentence(in_workbook=True)) for error in checked.errors]
        failure = FormFailure("import", {}, errors)
    context = {
        "title": "Import schemes from a workbook",
        "programme": programme_heading(page.readings, page.viewer.actor, programme_id),
        "version": programme.version,
        "checked": checked if checked is not None and checked.valid else None,
        "names": {str(k): v for k, v in (checked.names if checked else {}).items()},
        "kept": kept,
    }
    return page.show("import.html", context, failure)


@router.get("/programmes/{programme_id}/import")
def import_page(page: CurrentPage, programme_id: UUID) -> Response:
    """The template to download, and the form to upload it filled in: for the programme's commissioner."""
    return _shown(page, programme_id)


@router.post("/programmes/{programme_id}/import")
def preview(
    page: CurrentPage,
    store: AttachmentFiles,
    settings: ServerSettings,
    programme_id: UUID,
    workbook: Annotated[UploadFile, File()],
) -> Response:
    """Every fault of the uploaded workbook by sheet, row and column; or the schemes it would draft, to confirm."""
    commissioned_programme(page.corral, page.viewer.actor, programme_id)
    data = workbook.file.read(MAX_BYTES + 1)
    checked = check(page.corral, page.viewer.actor, programme_id, from_workbook(data))
    if not checked.valid:
        return _shown(page, programme_id, checked)
    sha256 = store.keep(io.BytesIO(data), NAME).sha256
    kept = {"workbook": sha256, "proof": _proof(settings.signing_key(), page, programme_id, sha256)}
    return _shown(page, programme_id, checked, kept)


@router.post("/programmes/{programme_id}/import/confirm")
def confirm(
    page: CurrentPage,
    act: FormAct,
    store: AttachmentFiles,
    settings: ServerSettings,
    programme_id: UUID,
    workbook: Annotated[str, Form()],
    proof: Annotated[str, Form()],
) -> Response:
    """Draft every scheme of the workbook shown, all at once, or none; checked again, as the programme may have moved."""
    commissioned_programme(page.corral, page.viewer.actor, programme_id)
    stored = store.stored(workbook, NAME)
    if stored is None or not hmac.compare_digest(proof, _proof(settings.signing_key(), page, programme_id, workbook)):
        gone = [("import-workbook", "That workbook is not kept for you to confirm: upload it again")]
        return _shown(page, programme_id, failure=FormFailure("import", {}, gone))
    checked = check(page.corral, page.viewer.actor, programme_id, from_workbook(stored.path.read_bytes()))
    if not checked.valid:
        return _shown(page, programme_id, checked)
    drafts = [(draft.code, draft.terms) for draft in checked.drafts]
    count = f"{len(drafts)} scheme{'s' if len(drafts) != 1 else ''}"
    done = Flash(
        f"{count} drafted from the workbook: {', '.join(code for code, _ in drafts)}.",
        "Designate each scheme's lead, then every party signs its terms on its agreement page.",
    )

    def again(failure: FormFailure) -> Response:
        return _shown(page, programme_id, failure=failure)

    return page.act(
        act,
        lambda: act.corral.draft_schemes(act.actor, programme_id, drafts, act.expected_version),
        "import",
        {"workbook": workbook},
        again,
        f"/programmes/{programme_id}",
        confirmed=done,
    )
