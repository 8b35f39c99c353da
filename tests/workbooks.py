"""Scheme workbooks as a commissioner fills them in: the downloaded template with rows added."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import load_workbook

SELFHARM = ("SELFHARM", "Reduce self-harm and suicide", "Safety plans for everyone at risk")
NUTRITION = ("NUTRITION", "Improve nutrition and hydration", "")
PARTICIPANTS = (
    ("SELFHARM", "ACUTE", 1),
    ("SELFHARM", "Devon Community Care Trust", 2),
    ("NUTRITION", "COMMUNITY"),
    ("NUTRITION", "ACUTE", None, "Has no inpatients in this programme"),
)
PLAN = ("SELFHARM", "PLAN", "Joint safety plan", "", "Q1", date(2014, 7, 31))
# Scheme, code, title, description, quarter, due, weight, for provider, kind, unit, numerator, denominator, min, max.
FLU = ("SELFHARM", "FLU", "Staff flu uptake", "", "Q3", date(2014, 12, 31), 2, "ACUTE", "numeric", "fraction")
FLU_MEASURE = ("vaccinated", "frontline staff", 0.6, 0.8, "higher", "absolute")
SCREEN = ("NUTRITION", "SCREEN", "Screening audit", "", "Q2", date(2014, 10, 31))


def filled(template: bytes, **sheets: Sequence[Sequence[Any]]) -> bytes:
    """The template with each named sheet's rows appended (`Schemes=[...]`), as Excel would save it."""
    book = load_workbook(io.BytesIO(template))
    for title, rows in sheets.items():
        for row in rows:
            book[title].append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def valid(template: bytes) -> bytes:
    """Two schemes, a left-out provider, a shared, a targeted numeric and a narrative milestone: all sound."""
    return filled(
        template,
        Schemes=[SELFHARM, NUTRITION],
        Participants=PARTICIPANTS,
        Milestones=[PLAN, FLU + FLU_MEASURE, SCREEN],
    )


def without_column(workbook: bytes, sheet: str, heading: str) -> bytes:
    """The workbook with one column taken out of a sheet."""
    book = load_workbook(io.BytesIO(workbook))
    found = next(cell.column for cell in book[sheet][1] if cell.value == heading)
    book[sheet].delete_cols(found)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
