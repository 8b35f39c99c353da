"""Tables as CSV or XLSX downloads: the same rows the JSON shows, nothing more."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from enum import Enum
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook


class Format(Enum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table(headings: Sequence[str], rows: Sequence[Sequence[Any]], form: Format, filename: str) -> Response:
    """A download of the rows under their headings."""
    if form is Format.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headings)
        writer.writerows([_cell(value) for value in row] for row in rows)
        body = buffer.getvalue().encode("utf-8-sig")
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(list(headings))
        for row in rows:
            sheet.append([_cell(value) for value in row])
        output = io.BytesIO()
        workbook.save(output)
        body = output.getvalue()
    disposition = f'attachment; filename="{filename}.{form.value}"'
    return Response(body, media_type=MEDIA_TYPES[form], headers={"Content-Disposition": disposition})


def _cell(value: Any) -> Any:
    """Text stays text; a value a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return "" if value is None else str(value)
