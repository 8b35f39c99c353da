"""Rows as they come: from an uploaded workbook (bounded, and refused plainly if it is not one) or from JSON."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from api.http.imports.sheets import Row, RowError, Sheet

MAX_BYTES = 512 * 1024  # a whole programme's schemes take a few tens of kilobytes
MAX_UNPACKED_BYTES = 16 * 1024 * 1024  # what its compressed parts may unpack to, so no small file can swell
MAX_ROWS = 2_000  # on each sheet


@dataclass
class Rows:
    """Every sheet's rows, and what was wrong with the sheets themselves; `in_workbook` False for JSON rows."""

    in_workbook: bool
    sheets: dict[Sheet, list[Row]] = field(default_factory=lambda: {sheet: [] for sheet in Sheet})
    errors: list[RowError] = field(default_factory=list)


def from_json(sheets: Mapping[Sheet, Sequence[Mapping[str, Any]]]) -> Rows:
    """JSON rows, numbered by their index, each field a column."""
    rows = Rows(in_workbook=False)
    for sheet, given in sheets.items():
        keys = {c.key for c in sheet.columns}
        for index, values in enumerate(given):
            for unknown in sorted(set(values) - keys):
                rows.errors.append(RowError(sheet, index, None, f"{unknown} is not a column of {sheet.value}"))
            rows.sheets[sheet].append(Row(index, _cells({k: v for k, v in values.items() if k in keys})))
    return rows


def from_workbook(data: bytes) -> Rows:
    """The workbook's rows under their headings (row 1), numbered as the spreadsheet shows them; a file that is not
    an Excel workbook, or too large, is one error and no rows."""
    rows = Rows(in_workbook=True)
    refusal = _refusal(data)
    if refusal is not None:
        rows.errors.append(RowError(None, None, None, refusal))
        return rows
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for sheet in Sheet:
            if sheet.title not in book.sheetnames:
                rows.errors.append(RowError(sheet, None, None, "the workbook has no such sheet: use the template"))
                continue
            _read(sheet, book[sheet.title].iter_rows(values_only=True), rows)
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        rows.errors.append(RowError(None, None, None, f"the file could not be read as an Excel workbook ({error})"))
        rows.sheets = {sheet: [] for sheet in Sheet}
    return rows


def _refusal(data: bytes) -> str | None:
    if len(data) > MAX_BYTES:
        return f"the workbook is larger than the {MAX_BYTES:,} bytes allowed: import its schemes in parts"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        return "the file is not an Excel workbook (.xlsx): download the template and fill that in"
    if "xl/workbook.xml" not in {p.filename for p in parts}:
        return "the file is not an Excel workbook (.xlsx): download the template and fill that in"
    if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        return "the workbook unpacks to more than an import may hold: import its schemes in parts"
    return None


def _read(sheet: Sheet, lines: Iterator[tuple[Any, ...]], rows: Rows) -> None:
    """The sheet's rows under the headings of its first row; blank rows skipped."""
    headings = next(lines, ())
    keys = _keys(sheet, headings, rows.errors)
    for number, line in enumerate(lines, start=2):
        values = _cells({key: value for key, value in zip(keys, line) if key is not None})
        if not values:
            continue
        if len(rows.sheets[sheet]) == MAX_ROWS:
            rows.errors.append(RowError(sheet, number, None, f"a sheet may hold at most {MAX_ROWS:,} rows"))
            return
        rows.sheets[sheet].append(Row(number, values))


def _keys(sheet: Sheet, headings: Iterable[Any], errors: list[RowError]) -> list[str | None]:
    """Each heading's column key (None for a blank heading); a heading no column has, or a needed column missing,
    is an error of row 1."""
    by_heading = {_plain(c.heading): c.key for c in sheet.columns} | {c.key: c.key for c in sheet.columns}
    keys: list[str | None] = []
    for heading in headings:
        text = _plain(str(heading)) if heading is not None else ""
        keys.append(by_heading.get(text) if text else None)
        if text and text not in by_heading:
            errors.append(RowError(sheet, 1, None, f"{str(heading).strip()!r} is not a column of this sheet"))
    for column in sheet.columns:
        if column.required and column.key not in keys:
            errors.append(RowError(sheet, 1, column.key, "is missing: every row needs it, as the template has it"))
    return keys


def _plain(heading: str) -> str:
    return re.sub(r"\s+", " ", heading).strip().casefold()


def _cells(values: Mapping[str, Any]) -> dict[str, Any]:
    """Cells as the request models read them: text stripped, numbers as their text, dates as dates; blanks left out."""
    cells: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            value = value.date() if value.time() == datetime.min.time() else value.isoformat()
        elif isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, (int, float)):
            value = repr(value) if isinstance(value, float) else str(value)
        elif isinstance(value, str):
            value = value.strip()
        elif value is not None and not isinstance(value, date):
            value = str(value)
        if value not in (None, ""):
            cells[key] = value
    return cells
