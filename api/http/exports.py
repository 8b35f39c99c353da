"""Tables as CSV or XLSX downloads: the same rows the JSON shows, nothing more."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.payments import percentage, pounds


class Format(Enum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def downloads(*forms: Format) -> dict[int | str, dict[str, Any]]:
    """OpenAPI's note of a download's answer: a file in each of these forms."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"content": {MEDIA_TYPES[form].partition(";")[0]: binary for form in forms}}}


DOWNLOAD = downloads(Format.CSV, Format.XLSX)
MAX_WIDTH = 60  # characters: a column of longer text stays this wide rather than pass a screen


def file_name(*parts: str) -> str:
    """Words of names as a file name: ASCII letters and digits joined by hyphens, `South-Devon-and-Torbay-2014-15`."""
    ascii_text = unicodedata.normalize("NFKD", " ".join(parts)).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[A-Za-z0-9]+", ascii_text)) or "export"


@dataclass(frozen=True)
class Pounds:
    """A money cell: a plain number to the penny in CSV, a number in a £ format in a workbook, so SUM works."""

    amount: Decimal


@dataclass(frozen=True)
class Percent:
    """A share cell, from 0 to 1: a percentage to 2 places in CSV, a number in a % format in a workbook."""

    fraction: Decimal | None


@dataclass(frozen=True)
class Sheet:
    """One more sheet of a workbook: its title, headings and rows."""

    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence[Any]]


POUNDS_FORMAT, PERCENT_FORMAT = '"£"#,##0.00', "0.00%"


def table(
    headings: Sequence[str],
    rows: Sequence[Sequence[Any]],
    form: Format,
    filename: str,
    title: str = "",
    more: Sequence[Sheet] = (),
) -> Response:
    """A download of the rows under their headings, called `filename` (see `file_name`); a workbook's sheet is
    `title`d, its header row bold and frozen, its columns as wide as their text, and `more` sheets follow it."""
    body = encoded(headings, rows, form, title or filename, more)
    disposition = f'attachment; filename="{filename}.{form.value}"'
    return Response(body, media_type=MEDIA_TYPES[form], headers={"Content-Disposition": disposition})


def encoded(
    headings: Sequence[str], rows: Sequence[Sequence[Any]], form: Format, title: str, more: Sequence[Sheet] = ()
) -> bytes:
    """The rows under their headings as a CSV file's bytes, or a workbook's (its first sheet `title`d)."""
    if form is Format.XLSX:
        return _workbook([Sheet(title, headings, rows), *more])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    writer.writerows([_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _workbook(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        name = re.sub(r"[\[\]:*?/\\]", " ", sheet.title)[:31].strip() or "Table"  # Excel's limits on a sheet's name
        _fill(workbook.create_sheet(name), sheet)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _fill(sheet: Worksheet, table: Sheet) -> None:
    """A sheet's header row bold and frozen, its money and shares in their formats, its columns as wide as shown."""
    sheet.append(list(table.headings))
    for row in table.rows:
        sheet.append([_value(value) for value in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Pounds):
                cell.number_format = POUNDS_FORMAT
            elif isinstance(value, Percent):
                cell.number_format = PERCENT_FORMAT
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, heading in enumerate(table.headings, start=1):
        longest = max([len(heading), *(_width(row[number - 1]) for row in table.rows)])
        sheet.column_dimensions[get_column_letter(number)].width = min(longest + 2, MAX_WIDTH)


def _width(value: Any) -> int:
    """How many characters a cell shows: money with its £ and commas, a share with its %."""
    if isinstance(value, Pounds):
        return len(f"£{pounds(value.amount):,}")
    return len(_text(value)) + isinstance(value, Percent)


def _value(value: Any) -> Any:
    """A workbook's cell: money and shares as numbers, the rest as the CSV's text."""
    if isinstance(value, Pounds):
        return pounds(value.amount)
    if isinstance(value, Percent):
        return None if value.fraction is None else percentage(value.fraction) / 100
    return _text(value)


def _text(value: Any) -> str:
    """Text stays text; a value a spreadsheet would run as a formula is quoted; money and shares as plain numbers."""
    if isinstance(value, Pounds):
        return str(pounds(value.amount))
    if isinstance(value, Percent):
        return "" if value.fraction is None else str(percentage(value.fraction))
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return "" if value is None else str(value)
