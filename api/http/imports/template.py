"""The scheme workbook a commissioner downloads, fills in and uploads: instructions, then one sheet per kind of row."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from api.http.imports.reading import MAX_ROWS
from api.http.imports.sheets import Column, Sheet

PROVIDERS = "Providers"
INSTRUCTIONS = (
    "Fill in one row for each scheme on Schemes, each provider taking part on Participants, and each milestone on "
    "Milestones. Every row names its scheme by its code, so one workbook may hold a whole programme's schemes.",
    "Participants: name a provider of the programme by its code or its name (see Providers). For a provider of the "
    "programme that sits out a scheme, write why in Left out (reason) and leave Scheme weight blank.",
    "Milestones: leave For provider blank for a milestone every participant must meet, or name the one provider a "
    "targeted milestone is for. A numeric milestone needs a numerator label, Minimum and Maximum; a rate also a "
    "denominator label. A rate's thresholds are fractions: 0.6 for 60%.",
    "Due dates fall inside the contract year. Nothing is recorded until every row is right: upload the workbook to "
    "see each problem by sheet, row and column, then confirm to draft every scheme at once.",
)


def template(health_economy: str, contract_year: int, providers: list[tuple[str, str]]) -> bytes:
    """The blank workbook for a programme: `providers` are its (code, name), offered in the provider columns."""
    book = Workbook()
    _instructions(book.active, health_economy, contract_year)
    first, last = date(contract_year, 4, 1), date(contract_year + 1, 3, 31)
    for sheet in Sheet:
        _sheet(book.create_sheet(sheet.title), sheet, len(providers), first, last)
    listed = book.create_sheet(PROVIDERS)
    listed.append(["Name", "Code"])
    for code, name in sorted(providers, key=lambda p: p[1].casefold()):
        listed.append([name, code])
    _headed(listed, (40, 16))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _instructions(sheet: Worksheet, health_economy: str, contract_year: int) -> None:
    sheet.title = "Instructions"
    sheet.append([f"Schemes for {health_economy} {contract_year}/{(contract_year + 1) % 100:02d}"])
    sheet["A1"].font = Font(bold=True, size=14)
    for paragraph in INSTRUCTIONS:
        sheet.append([paragraph])
    for sheet_kind in Sheet:
        sheet.append([])
        sheet.append([sheet_kind.title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for column in sheet_kind.columns:
            sheet.append([f"{column.heading}{' (needed)' if column.required else ''}: {column.hint}"])
    sheet.column_dimensions["A"].width = 120


def _sheet(sheet: Worksheet, kind: Sheet, providers: int, first: date, last: date) -> None:
    sheet.append([column.heading for column in kind.columns])
    _headed(sheet, tuple(column.width for column in kind.columns))
    for number, column in enumerate(kind.columns, start=1):
        sheet.cell(1, number).comment = Comment(column.hint, "Corral")
        cells = f"{get_column_letter(number)}2:{get_column_letter(number)}{MAX_ROWS + 1}"
        rule = _rule(column, providers, first, last)
        if rule is not None:
            sheet.add_data_validation(rule)
            rule.add(cells)


def _rule(column: Column, providers: int, first: date, last: date) -> DataValidation | None:
    """The check Excel makes as a cell is typed in: a list to choose from, a date in the year, a positive number."""
    if column.choices:
        return _checked(DataValidation(type="list", formula1=f'"{",".join(column.choices)}"'), column)
    if column.key == "provider":
        return DataValidation(type="list", formula1=f"={PROVIDERS}!$A$2:$A${providers + 1}", allow_blank=True)
    if column.key == "due":
        between = (f"DATE({first.year},{first.month},{first.day})", f"DATE({last.year},{last.month},{last.day})")
        rule = DataValidation(type="date", operator="between", formula1=between[0], formula2=between[1])
        return _checked(rule, column)
    if column.key == "weight":
        return _checked(DataValidation(type="decimal", operator="greaterThan", formula1="0"), column)
    return None


def _checked(rule: DataValidation, column: Column) -> DataValidation:
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.error = f"{column.heading}: {column.hint}"
    return rule


def _headed(sheet: Worksheet, widths: tuple[int, ...]) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
