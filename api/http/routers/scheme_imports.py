"""Schemes imported at once: the workbook template, and a workbook (or the same rows as JSON) checked or drafted."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.http.access import commissioned_programme
from api.http.commands import Act, RecordedOut, described
from api.http.deps import BY_COMMISSIONER, CorralApp, CurrentActor, KnownProgramme
from api.http.exports import MEDIA_TYPES, Format, file_name
from api.http.imports.answers import drafts_out, faults
from api.http.imports.drafts import check
from api.http.imports.reading import MAX_BYTES, MAX_ROWS, Rows, from_json, from_workbook
from api.http.imports.sheets import Sheet
from api.http.imports.template import template
from api.http.routing import api_router
from domain.milestones import contract_year_label

router = api_router("/programmes/{programme_id}", tags=["set-up"])
Cell = str | int | float | bool | None
SheetRows = Annotated[list[dict[str, Cell]], Field(max_length=MAX_ROWS)]
DryRun = Annotated[bool, Query(description="check every row and answer what would be drafted, recording nothing")]


class RowsIn(BaseModel):
    """A workbook's rows as JSON: each sheet's rows, each cell under its column's key (`scheme_code`, `maximum`)."""

    schemes: SheetRows
    participants: SheetRows = []
    milestones: SheetRows = []


class ImportedOut(RecordedOut):
    schemes: list[dict[str, Any]] = Field(description="each scheme drafted: its id, code, terms and who is left out")


class PreviewOut(BaseModel):
    schemes: list[dict[str, Any]] = Field(description="each scheme that would be drafted")


@router.get("/scheme-template.xlsx", response_class=Response)
def scheme_template(programme_id: UUID, actor: CurrentActor, corral: CorralApp) -> Response:
    """The workbook to fill in with the programme's schemes, participants and milestones: for its commissioner."""
    programme = commissioned_programme(corral, actor, programme_id)
    providers = [(o.code, o.name) for o in (corral.organisation(p) for p in programme.provider_ids)]
    year = contract_year_label(programme.contract_year)
    body = template(programme.health_economy, programme.contract_year, providers)
    name = file_name(programme.health_economy, year.replace("/", "-"), "schemes")
    headers = {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
    return Response(body, media_type=MEDIA_TYPES[Format.XLSX], headers=headers)


@router.post(
    "/scheme-imports",
    status_code=201,
    response_model=ImportedOut | PreviewOut,
    dependencies=[BY_COMMISSIONER, KnownProgramme],
)
def import_workbook(programme_id: UUID, file: UploadFile, act: Act, dry_run: DryRun = False) -> JSONResponse:
    """The commissioner drafts every scheme of a filled-in template at once, or none if any row is wrong (422 naming
    each one's sheet, row and column); `dry_run` only checks."""
    data = file.file.read(MAX_BYTES + 1)
    return _imported(act, programme_id, from_workbook(data), f"workbook {hashlib.sha256(data).hexdigest()}", dry_run)


@router.post(
    "/scheme-imports/rows",
    status_code=201,
    response_model=ImportedOut | PreviewOut,
    dependencies=[BY_COMMISSIONER, KnownProgramme],
)
def import_rows(programme_id: UUID, body: RowsIn, act: Act, dry_run: DryRun = False) -> JSONResponse:
    """The same import from the workbook's rows as JSON; a fault names its sheet, the row's index and the field."""
    rows = from_json({sheet: getattr(body, sheet.value) for sheet in Sheet})
    return _imported(act, programme_id, rows, f"rows {described(body)}", dry_run)


def _imported(act: Act, programme_id: UUID, rows: Rows, fingerprint: str, dry_run: bool) -> JSONResponse:
    checked = check(act.corral, act.actor, programme_id, rows)
    if not checked.valid:
        return faults(checked)
    if dry_run:
        return JSONResponse(PreviewOut(schemes=drafts_out(programme_id, checked)).model_dump(mode="json"))
    drafts = [(draft.code, draft.terms) for draft in checked.drafts]
    return act.run(
        f"import {programme_id} {fingerprint}",
        lambda: act.corral.draft_schemes(act.actor, programme_id, drafts, act.expected_version),
        201,
        {"schemes": drafts_out(programme_id, checked)},
    )
