"""One row as the API's request body for it: providers found by code or name, and a milestone's measure gathered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api.http.imports.sheets import NARRATIVE, NUMERIC, Row, RowError, Sheet
from domain.application import Corral

PARTICIPANT_FIELDS = {"provider_id": "provider", "weight": "weight"}
EXCLUSION_FIELDS = {"provider_id": "provider", "reason": "left_out"}
MEASURE_KEYS = ("numerator", "denominator", "minimum", "maximum", "direction", "basis", "baseline", "unit")
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
    """The row as the API's milestone: a numeric one with its measure (its unit too); a narrative one may not fill
    the measure's columns."""
    body = {key: row.get(key) for key in ("code", "title", "description", "due", "weight") if row.get(key) is not None}
    if row.get("quarter") is not None:
        body["quarter"] = str(row.get("quarter")).upper()
    provider = providers.find(row, Sheet.MILESTONES, errors)
    if provider is not None:
        body["provider_id"] = provider
    kind = str(row.get("kind") or NARRATIVE).lower()
    given = {key: row.get(key) for key in MEASURE_KEYS if row.get(key) is not None}
    given |= {key: str(given[key]).lower() for key in ("direction", "basis", "unit") if key in given}
    if kind == NUMERIC:
        body["measure"] = given
    elif kind != NARRATIVE:
        errors.append(RowError(Sheet.MILESTONES, row.number, "kind", f"must be {NARRATIVE} or {NUMERIC}"))
    else:
        for key in given:
            errors.append(
                RowError(
                    Sheet.MILESTONES,
                    row.number,
                    key,
                    f"is for a {NUMERIC} milestone: choose {NUMERIC} in Narrative or numeric, or leave this blank",
                )
            )
    return body
