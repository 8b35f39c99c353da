"""System-wide progress: scheme x provider x quarter, with counts per status; and seed 000's table shape."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain.milestones import Quarter
from projections.progress.reading import STATUSES, load_progress, organisation_names
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class SchemeHeading:
    id: str
    title: str
    lead_id: str | None


@dataclass(frozen=True)
class ProgressMatrix:
    """Each cell holds the statuses of that provider's milestones in that scheme-quarter."""

    schemes: list[SchemeHeading]
    providers: dict[str, str]
    cells: dict[tuple[str, str, Quarter], tuple[str, ...]]
    counts: dict[str, int]


@dataclass(frozen=True)
class QuarterRow:
    """One scheme's statuses for one provider, Q1 to Q4 (seed 000's table)."""

    title: str
    statuses: dict[Quarter, str]


def progress_matrix(view: ProgressView, programme_id: str, today: date | None = None) -> ProgressMatrix:
    """The system-wide picture for one programme."""
    rows = load_progress(view, today, programme_id=programme_id)
    names = organisation_names(view)
    s = view.schemes
    with view.database.engine.connect() as conn:
        schemes = conn.execute(
            select(s.c.id, s.c.title, s.c.lead_id).where(s.c.programme_id == programme_id).order_by(s.c.ordinal)
        ).all()
        providers = conn.execute(
            select(view.providers.c.provider_id).where(view.providers.c.programme_id == programme_id)
        ).scalars()
        provider_names = dict(sorted(((p, names.get(p, p)) for p in providers), key=lambda item: item[1]))
    cells: dict[tuple[str, str, Quarter], tuple[str, ...]] = {}
    for row in rows:
        key = (row.scheme_id, row.provider_id, row.quarter)
        cells[key] = (*cells.get(key, ()), row.status)
    counts = Counter(row.status for row in rows)
    return ProgressMatrix(
        schemes=[SchemeHeading(r.id, r.title, r.lead_id) for r in schemes],
        providers=provider_names,
        cells=cells,
        counts={status: counts.get(status, 0) for status in STATUSES},
    )


def quarter_table(
    view: ProgressView, programme_id: str, provider_id: str, today: date | None = None
) -> list[QuarterRow]:
    """Each agreed scheme the provider is in, with its statuses per quarter."""
    rows: dict[str, QuarterRow] = {}
    for row in load_progress(view, today, programme_id=programme_id, provider_id=provider_id):
        line = rows.setdefault(row.scheme_id, QuarterRow(row.scheme_title, {q: "" for q in Quarter}))
        current = line.statuses[row.quarter]
        line.statuses[row.quarter] = f"{current} / {row.status}" if current else row.status
    return list(rows.values())
