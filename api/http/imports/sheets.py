"""The sheets of a scheme workbook and their columns, shared by the template and the reading of what comes back."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from domain.milestones import Direction, Quarter, ThresholdBasis


@dataclass(frozen=True)
class Column:
    """A column: its key (a JSON row's field), its heading, what goes in it, and the choices a cell may take."""

    key: str
    heading: str
    hint: str
    required: bool = False  # the column must be there, as every row needs a value in it
    choices: tuple[str, ...] = ()
    width: int = 16


class Sheet(Enum):
    """The sheets a workbook's rows are on, by their key in JSON rows."""

    SCHEMES = "schemes"
    PARTICIPANTS = "participants"
    MILESTONES = "milestones"

    @property
    def title(self) -> str:
        """The sheet's name in the workbook."""
        return self.value.capitalize()

    @property
    def columns(self) -> tuple[Column, ...]:
        """Its columns, in the template's order."""
        return COLUMNS[self]

    def column(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)


SCHEME_CODE = Column("scheme_code", "Scheme code", "the scheme's short code, such as SELFHARM", required=True)
NARRATIVE, NUMERIC = "narrative", "numeric"
UNITS = ("percent", "fraction", "number")
COLUMNS: dict[Sheet, tuple[Column, ...]] = {
    Sheet.SCHEMES: (
        SCHEME_CODE,
        Column("title", "Title", "the scheme's title, such as Reduce self-harm and suicide", required=True, width=40),
        Column("description", "Description", "what the scheme is for (optional)", width=60),
    ),
    Sheet.PARTICIPANTS: (
        SCHEME_CODE,
        Column("provider", "Provider", "a provider of the programme, by its code or its name", required=True, width=40),
        Column("weight", "Scheme weight", "the scheme's weight in the provider's CQUIN value (blank: 1)"),
        Column(
            "left_out",
            "Left out (reason)",
            "for a provider of the programme that is not in this scheme: why it is left out (then no weight)",
            width=40,
        ),
    ),
    Sheet.MILESTONES: (
        SCHEME_CODE,
        Column("code", "Milestone code", "the milestone's short code, unique in its scheme", required=True),
        Column("title", "Title", "what must be shown", required=True, width=40),
        Column("description", "Description", "more about it (optional)", width=40),
        Column("quarter", "Quarter", "Q1, Q2, Q3 or Q4", required=True, choices=tuple(q.value for q in Quarter)),
        Column("due", "Due date", "a date inside the contract year, 1 April to 31 March", required=True),
        Column("weight", "Weight", "its weight in the scheme (blank: 1)"),
        Column("provider", "For provider", "blank: shared by every participant; else the one provider it is for"),
        Column("kind", "Narrative or numeric", "narrative (blank) or numeric", choices=(NARRATIVE, NUMERIC)),
        Column("unit", "Unit", "numeric: what the thresholds are written in", choices=UNITS),
        Column("numerator", "Numerator label", "numeric: what is counted, such as staff vaccinated", width=24),
        Column("denominator", "Denominator label", "numeric: out of what; blank for a count", width=24),
        Column("minimum", "Minimum", "numeric: nothing is paid below it (a rate as a fraction: 0.6 for 60%)"),
        Column("maximum", "Maximum", "numeric: everything is paid at or above it"),
        Column(
            "direction", "Direction", "higher (blank) or lower is better", choices=tuple(d.value for d in Direction)
        ),
        Column(
            "basis",
            "Basis",
            "absolute (blank): the value; points or change: from the baseline",
            choices=tuple(b.value for b in ThresholdBasis),
        ),
        Column("baseline", "Baseline", "numeric, from a baseline: last year's figure"),
    ),
}


@dataclass(frozen=True)
class Row:
    """One row of a sheet: its number in the workbook (or index among JSON rows) and its cells by column key,
    blanks left out."""

    number: int
    values: dict[str, Any]

    def get(self, key: str) -> Any:
        """The cell's value, None when blank."""
        return self.values.get(key)


@dataclass(frozen=True)
class RowError:
    """What is wrong, and where: the sheet, the row and the column (each None where the fault is not in one)."""

    sheet: Sheet | None
    row: int | None
    column: str | None
    message: str

    def sentence(self, in_workbook: bool) -> str:
        """`Milestones, row 7, column Maximum: must be …`; for JSON rows `milestones.3.maximum: must be …`."""
        message = self.message[:1].upper() + self.message[1:] if self.sheet is None else self.message
        return f"{self.place(in_workbook)}: {message}" if self.sheet is not None else message

    def place(self, in_workbook: bool) -> str:
        """Where it is, as the sentence names it."""
        if self.sheet is None:
            return ""
        if not in_workbook:
            return ".".join(str(p) for p in (self.sheet.value, self.row, self.column) if p is not None)
        parts = [self.sheet.title]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.sheet.column(self.column).heading}")
        return ", ".join(parts)

    def as_json(self, in_workbook: bool) -> dict[str, Any]:
        """As a problem's `errors` lists it: sheet, row and column headings for a workbook; sheet, index and the
        field's dotted path for JSON rows."""
        if in_workbook:
            column = self.sheet.column(self.column).heading if self.sheet and self.column else None
            title = self.sheet.title if self.sheet else None
            return {"sheet": title, "row": self.row, "column": column, "message": self.message}
        sheet = self.sheet.value if self.sheet else None
        return {"sheet": sheet, "index": self.row, "field": self.place(False) or None, "message": self.message}
