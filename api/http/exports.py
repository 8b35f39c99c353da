"""Tables as CSV or XLSX downloads: the same rows the JSON shows, nothing more."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from enum import Enum
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet


class Format(Enum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


MAX_WIDTH = 60  # characters: a column of longer text stays this wide rather than pass a screen


def file_name(*parts: str) -> str:
    """Words of names as a file name: ASCII letters and digits joined by hyphens, `South-Devon-and-Torbay-2014-15`."""
    ascii_text = unicodedata.normalize("NFKD", " ".join(parts)).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[A-Za-z0-9]+", ascii_text)) or "export"


def table(
    headings: Sequence[str], rows: Sequence[Sequence[Any]], form: Format, filename: str, title: str = ""
) -> Response:
    """A download of the rows under their headings, called `filename` (see `file_name`); a workbook's sheet is
    `title`d, its header row bold and frozen, its columns as wide as their text."""
    cells = [[_cell(value) for value in row] for row in rows]
    if form is Format.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headings)
        writer.writerows(cells)
        body = buffer.getvalue().encode("utf-8-sig")
    else:
        body = _workbook(headings, cells, title or filename)
    disposition = f'attachment; filename="{filename}.{form.value}"'
    return Response(body, media_type=MEDIA_TYPES[form], headers={"Content-Disposition": disposition})


def _workbook(headings: Sequence[str], cells: list[list[str]], title: str) -> bytes:
    workbook = Workbook()
    sheet: Worksheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Table"  # Excel's limits on a sheet's name
    sheet.append(list(headings))
    for row in cells:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, heading in enumerate(headings, start=1):
        longest = max([len(heading), *(len(row[number - 1]) for row in cells)])
        sheet.column_dimensions[get_column_letter(number)].width = min(longest + 2, MAX_WIDTH)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _cell(value: Any) -> Any:
    """Text stays text; a value a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return "" if value is None else str(value)
