"""System-wide progress: scheme x provider x quarter, with counts per status; and seed 000's table shape."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from domain.milestones import Quarter
from projections.progress.queries.access import ProgrammeAccess
from projections.progress.queries.programmes import SchemeHeading, provider_names, scheme_headings
from projections.progress.queries.reading import STATUSES, load_progress, progress_rows, status_word
from projections.progress.view import ProgressView


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
    today = today or view.reading_clock.today()
    p, m, g = view.progress, view.milestones, view.programmes
    columns = (p.c.scheme_id, p.c.provider_id, p.c.quarter, p.c.assessment, p.c.state, m.c.due, g.c.contract_year)
    cells: dict[tuple[str, str, Quarter], tuple[str, ...]] = {}
    counts: Counter[str] = Counter()
    for row in progress_rows(view, columns, programme_id=programme_id):  # only what a status needs, no more
        quarter = Quarter(row.quarter)
        status = status_word(row, quarter.first_day(row.contract_year), today)
        key = (row.scheme_id, row.provider_id, quarter)
        cells[key] = (*cells.get(key, ()), status)
        counts[status] += 1
    return ProgressMatrix(
        schemes=scheme_headings(view, programme_id),
        providers=provider_names(view, programme_id),
        cells=cells,
        counts={status: counts.get(status, 0) for status in STATUSES},
    )


def progress_for(view: ProgressView, access: ProgrammeAccess, today: date | None = None) -> ProgressMatrix:
    """The picture as `access` may see it: the schemes it takes part in (all, for the commissioner), counted alone."""
    matrix = progress_matrix(view, access.programme_id, today)
    cells = {key: statuses for key, statuses in matrix.cells.items() if key[0] in access.schemes}
    counts: dict[str, int] = dict.fromkeys(matrix.counts, 0)
    for statuses in cells.values():
        for status in statuses:
            counts[status] += 1
    schemes = [s for s in matrix.schemes if s.id in access.schemes]
    return ProgressMatrix(schemes=schemes, providers=matrix.providers, cells=cells, counts=counts)


@dataclass(frozen=True)
class Goals:
    """One agreed scheme a provider is in, with what its milestones ask for, and whether any is assessed yet."""

    title: str
    goals: list[str]
    assessed: bool


def goals_table(view: ProgressView, programme_id: str, provider_id: str) -> list[Goals]:
    """Each agreed scheme the provider is in, with its milestones' titles, as a year's plan lists its goals."""
    rows: dict[str, Goals] = {}
    for row in load_progress(view, programme_id=programme_id, provider_id=provider_id):
        line = rows.setdefault(row.scheme_id, Goals(row.scheme_title, [], False))
        rows[row.scheme_id] = Goals(line.title, [*line.goals, row.title], line.assessed or row.assessment is not None)
    return list(rows.values())


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
