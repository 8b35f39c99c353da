"""`corral payments replay`: every programme's money (or one's) replayed under another version of the payment rules,
provider x scheme x quarter, printed and optionally exported; it records nothing."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from api.http.exports import Format, Pounds, encoded
from api.http.replays import ALL_YEAR, DIFFERENCE, PLACE, replay_rows
from domain.milestones import contract_year_label
from domain.payment_rules import PaymentRules, published
from domain.payments import pounds
from projections.progress.queries import every_programme, organisation_names, replay
from projections.progress.view import ProgressView

FORMATS = {".csv": Format.CSV, ".xlsx": Format.XLSX}


def run(console: Console, view: ProgressView, args: argparse.Namespace) -> int:
    """Print (and export) the replay; 2, saying why, for an unknown version, programme or file type."""
    rules = published(args.rules)  # an unknown version is refused, in plain words, before anything is read
    form = FORMATS.get(args.out.suffix.lower()) if args.out is not None else None
    if args.out is not None and form is None:
        console.print(f"--out must name a .csv or .xlsx file, not {args.out.name}")
        return 2
    programmes = [p for p in every_programme(view) if args.programme in (None, p.id)]
    if not programmes:
        console.print(f"There is no programme with the id {args.programme}." if args.programme else "No programmes.")
        return 2
    names, rows, change, all_year = organisation_names(view), [], Decimal(0), Decimal(0)
    for programme in programmes:
        replayed = replay(view, programme.id, rules)
        label = f"{programme.health_economy} {contract_year_label(programme.contract_year)}"
        shown = replay_rows(replayed, names)
        console.print(_table(f"{label}: pays by {replayed.now_rules.version}, replayed under {rules.version}", shown))
        rows += replay_rows(replayed, names, label, replayed.now_rules.version)
        change += replayed.change.earned
        all_year += replayed.change_throughout.earned
    console.print(f"Difference under {rules.version} across {len(programmes)} programme(s): £{pounds(change):,}")
    console.print(f"Had {rules.version} applied all year, closed quarters too: £{pounds(all_year):,}")
    if args.out is not None and form is not None:
        args.out.write_bytes(encoded(_headings(rules), rows, form, f"Replay {rules.version}"))
        console.print(f"exported to {args.out}")
    return 0


def _headings(rules: PaymentRules) -> tuple[str, ...]:
    return ("Programme", "Rules now", *PLACE, "Earned now", f"Earned under {rules.version}", DIFFERENCE, *ALL_YEAR)


def _table(title: str, rows: list[Any]) -> Table:
    table = Table(title=title)
    for heading in (
        *PLACE,
        "Earned now (£)",
        "Earned under it (£)",
        f"{DIFFERENCE} (£)",
        "All year (£)",
        "Diff. all year (£)",
    ):
        table.add_column(heading, justify="right" if "£" in heading else "left", overflow="fold")
    for row in rows:
        table.add_row(*(f"{pounds(v.amount):,}" if isinstance(v, Pounds) else str(v) for v in row))
    return table
