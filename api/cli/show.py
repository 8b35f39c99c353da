"""Tables for the terminal, read from the views."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from api.cli.demo import south_devon, trust_year
from domain import ids
from domain.milestones import Quarter, contract_year_label
from projections.progress.queries import (
    goals_table,
    organisation_names,
    programme_payments,
    progress_matrix,
    quarter_table,
)
from projections.progress.view import ProgressView
from domain.payments import pounds


def show_trust(console: Console, view: ProgressView, year: int) -> int:
    """Seed 000's Q1-Q4 table for the trust, local then specialised indicators."""
    trust_id = str(ids.organisation_id(trust_year.TRUST))
    table = Table(title=f"{contract_year_label(year)} CQUIN and Trust Quality Priorities Indicators")
    table.add_column("Indicator", overflow="fold")
    for quarter in Quarter:
        table.add_column(quarter.value, no_wrap=True)
    goals = Table(title=f"{contract_year_label(year)} CQUIN goals, agreed and not yet assessed")
    goals.add_column("Indicator", overflow="fold")
    goals.add_column("Goals", overflow="fold")
    rows = 0
    for commissioner in (trust_year.LOCAL, trust_year.SPECIALISED):
        programme_id = str(trust_year.programme_id(commissioner, year))
        for row in quarter_table(view, programme_id, trust_id):
            table.add_row(row.title, *(row.statuses[q] or "—" for q in Quarter))
            rows += 1
        for planned in goals_table(view, programme_id, trust_id):
            if not planned.assessed:
                goals.add_row(planned.title, "\n".join(planned.goals))
    if not rows:
        console.print(f"No agreed {contract_year_label(year)} indicators for the trust: run `corral demo` first.")
        return 1
    console.print(table)
    if goals.rows:
        console.print(goals)
    return 0


def show_programme(console: Console, view: ProgressView) -> int:
    """South Devon and Torbay's progress matrix for Q1 and Q2, and its payments."""
    commissioner_id = ids.organisation_id(south_devon.CCG)
    programme_id = str(ids.programme_id(commissioner_id, south_devon.HEALTH_ECONOMY, south_devon.YEAR))
    matrix = progress_matrix(view, programme_id)
    if not matrix.schemes:
        console.print("The South Devon and Torbay programme is not loaded: run `corral demo` first.")
        return 1
    names = organisation_names(view)
    for quarter in (Quarter.Q1, Quarter.Q2):
        table = Table(title=f"South Devon and Torbay 2014/15: {quarter.value} progress")
        table.add_column("Scheme (lead)", overflow="fold")
        for name in matrix.providers.values():
            table.add_column(name, overflow="fold")
        for scheme in matrix.schemes:
            lead = names.get(scheme.lead_id or "", "no lead")
            cells = (" / ".join(matrix.cells.get((scheme.id, p, quarter), ("—",))) for p in matrix.providers)
            table.add_row(f"{scheme.title} ({lead})", *cells)
        console.print(table)
    console.print(_payments_table(programme_payments(view, programme_id), matrix.providers))
    return 0


def _payments_table(payments: Any, providers: dict[str, str]) -> Table:
    table = Table(title="Payments to date (£)")
    for heading in ("Provider", "CQUIN value", "Available", "Earned", "Shortfall", "At risk", "% achieved"):
        table.add_column(heading, justify="right" if heading != "Provider" else "left")
    for provider_id, name in providers.items():
        p = payments.providers.get(provider_id)
        if p is not None:
            f = p.total
            achieved = f"{f.achieved * 100:.1f}%" if f.achieved is not None else "—"
            amounts = (p.cquin_value, f.available, f.earned, f.shortfall, f.at_risk)
            table.add_row(name, *(f"{pounds(a):,}" for a in amounts), achieved)
    return table
