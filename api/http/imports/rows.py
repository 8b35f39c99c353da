"""One row as the API's request body for it: providers found by code or name, and a milestone's measure gathered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api.http.imports.sheets import NARRATIVE, NUMERIC, UNITS, Row, RowError, Sheet
from domain.application import Corral

PARTICIPANT_FIELDS = {"provider_id": "provider", "weight": "weight"}
MEASURE_KEYS = ("numerator", "denominator", "minimum", "maximum", "direction", "basis", "baseline")
MILESTONE_FIELDS = {
    **{key: key for key in ("code", "title", "description", "quarter", "due", "weight")},
    "provider_id": "provider",
    "measure": "kind",
    **{f"measure.{key}": key for key in MEASURE_KEYS},
}


@dataclass(frozen=True)
class Providers:
    """The programme's providers, found by code or by name as the pages show them."""

    by_word: dict[str, UUID]
    names: dict[UUID, str]

    @classmethod
    def of(cls, corral: Corral, programme_id: UUID) -> Providers:
        """The programme's providers as they are now."""
        organisations = [corral.organisation(p) for p in corral.programme(programme_id).provider_ids]
        by_word = {o.name.casefold(): o.id for o in organisations} | {o.code.casefold(): o.id for o in organisations}
        return cls(by_word, {o.id: o.name for o in organisations})

    def find(self, row: Row, sheet: Sheet, errors: list[RowError], key: str = "provider") -> UUID | None:
        """The provider the row's cell names, None when blank; one it does not know is an error of that cell."""
        word = row.get(key)
        if word is None:
            return None
        found = self.by_word.get(" ".join(str(word).split()).casefold())
        if found is None:
            errors.append(
                RowError(sheet, row.number, key, f"no provider of this programme has the code or name {word}")
            )
        return found


def milestone_body(row: Row, providers: Providers, errors: list[RowError]) -> dict[str, Any]:
    """The row as the API's milestone: a numeric one with its measure; a narrative one may not fill the measure's
    columns, and a unit other than the thresholds' own is not taken yet."""
    body = {key: row.get(key) for key in ("code", "title", "description", "due", "weight") if row.get(key) is not None}
    if row.get("quarter") is not None:
        body["quarter"] = str(row.get("quarter")).upper()
    provider = providers.find(row, Sheet.MILESTONES, errors)
    if provider is not None:
        body["provider_id"] = provider
    kind = str(row.get("kind") or NARRATIVE).lower()
    given = {key: row.get(key) for key in MEASURE_KEYS if row.get(key) is not None}
    given |= {key: str(given[key]).lower() for key in ("direction", "basis") if key in given}
    if kind == NUMERIC:
        body["measure"] = given
        _unit(row, given, errors)
    elif kind != NARRATIVE:
        errors.append(RowError(Sheet.MILESTONES, row.number, "kind", f"must be {NARRATIVE} or {NUMERIC}"))
    else:
        for key in [*given, *(["unit"] if row.get("unit") is not None else [])]:
            errors.append(
                RowError(
                    Sheet.MILESTONES,
                    row.number,
                    key,
                    f"is for a {NUMERIC} milestone: choose {NUMERIC} in Narrative or numeric, or leave this blank",
                )
            )
    return body


def _unit(row: Row, measure: dict[str, Any], errors: list[RowError]) -> None:
    """Thresholds are taken in the unit every measure is written in today: a fraction for a rate or a change from the
    baseline, a plain number for a count. (Once measures carry their unit, the cell becomes the measure's `unit`.)"""
    unit = row.get("unit")
    if unit is None:
        return
    own = "fraction" if "denominator" in measure or measure.get("basis") == "change" else "number"
    if str(unit).lower() not in UNITS:
        errors.append(RowError(Sheet.MILESTONES, row.number, "unit", f"must be one of {', '.join(UNITS)}"))
    elif str(unit).lower() != own:
        errors.append(
            RowError(Sheet.MILESTONES, row.number, "unit", f"must be {own} here, as these thresholds are written")
        )
