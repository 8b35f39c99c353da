"""The `corral` command line."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table

from api import reports
from api.demo import load_demo, south_devon, trust_year
from api.settings import Settings
from api.wiring import build_application
from domain import ids
from domain.application import Corral
from domain.milestones import Quarter, contract_year_label

console = Console()


def main(argv: list[str] | None = None) -> int:
    """Run one `corral` command."""
    parser = argparse.ArgumentParser(prog="corral", description="Shared CQUIN schemes, event-sourced.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="load the demo data (safe to run again)")
    show = commands.add_parser("show", help="print a demo table")
    show.add_argument("what", choices=["trust", "programme"], help="trust: seed 000's Q1-Q4 table; programme: seed 004")
    show.add_argument("--year", type=int, default=2017, help="contract year for `show trust` (default 2017)")
    args = parser.parse_args(argv)
    settings = Settings()
    app = build_application(settings)
    try:
        if args.command == "demo":
            return _demo(app, settings)
        if args.what == "trust":
            return _show_trust(app, args.year)
        return _show_programme(app)
    finally:
        app.close()


def _demo(app: Corral, settings: Settings) -> int:
    for name, loaded in load_demo(app).items():
        console.print(f"{'loaded' if loaded else 'already loaded'}: {name}")
    console.print(f"event store: {settings.database_url} (log position {app.recorder.max_notification_id()})")
    return 0


def _show_trust(app: Corral, year: int) -> int:
    trust_id = ids.organisation_id(trust_year.TRUST)
    table = Table(title=f"{contract_year_label(year)} CQUIN and Trust Quality Priorities Indicators")
    table.add_column("Indicator", overflow="fold")
    for quarter in Quarter:
        table.add_column(quarter.value, no_wrap=True)
    for commissioner in (trust_year.LOCAL, trust_year.SPECIALISED):
        programme_id = ids.programme_id(ids.organisation_id(commissioner), trust_year.HEALTH_ECONOMY, year)
        if not app.exists(programme_id):
            console.print(f"No {contract_year_label(year)} programme from {commissioner}: run `corral demo` first.")
            return 1
        for row in reports.provider_quarter_table(app, programme_id, trust_id):
            table.add_row(row.title, *(row.statuses[q] or "—" for q in Quarter))
    console.print(table)
    return 0


def _show_programme(app: Corral) -> int:
    commissioner_id = ids.organisation_id(south_devon.CCG)
    programme_id = ids.programme_id(commissioner_id, south_devon.HEALTH_ECONOMY, south_devon.YEAR)
    if not app.exists(programme_id):
        console.print("The South Devon and Torbay programme is not loaded: run `corral demo` first.")
        return 1
    programme = app.programme(programme_id)
    for quarter in (Quarter.Q1, Quarter.Q2):
        providers, rows = reports.progress_matrix(app, programme_id, quarter)
        title = f"{programme.health_economy} {contract_year_label(programme.contract_year)}: {quarter.value} progress"
        table = Table(title=title)
        table.add_column("Scheme (lead)", overflow="fold")
        for provider_id in providers:
            table.add_column(app.organisation(provider_id).name, overflow="fold")
        for scheme_id, row in zip(programme.scheme_ids, rows):
            lead = programme.lead_of(scheme_id)
            lead_name = app.organisation(lead).name if lead else "no lead"
            table.add_row(f"{row.title} ({lead_name})", *(row.cells[p] for p in providers))
        console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
