"""`corral payments replay` against the demo, as the operator runs it at the server: the table, its total, the CSV
it exports, and a refusal for a version never published; it records nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from api.storage.settings import Settings
from api.storage.wiring import build_application
from tests.e2e.test_cli import run  # noqa: F401 - the fixture: the installed command on a fresh SQLite store
from tests.integration.test_replay_demo import departed_from_the_figures, dpt_nutrition_milestone_value


def test_replaying_the_demo_under_partial_60_prints_and_exports_the_hand_worked_difference(
    run,  # type: ignore[no-untyped-def]  # noqa: F811
    tmp_path: Path,
) -> None:
    assert run("demo").returncode == 0
    app = build_application(Settings(database_url=f"sqlite:///{tmp_path / 'corral.sqlite3'}"))
    departed_from_the_figures(app)
    head = app.recorder.max_notification_id()
    out = tmp_path / "replay.csv"

    replayed = run("payments", "replay", "--rules", "partial-60", "--out", str(out))
    unknown = run("payments", "replay", "--rules", "partial-99")
    elsewhere = run("payments", "replay", "--rules", "partial-60", "--programme", "no-such-programme")

    difference = dpt_nutrition_milestone_value() * Decimal("0.1")  # 78,125 x (0.6 - 0.5) = 7,812.50
    assert replayed.returncode == 0, replayed.stderr
    assert "South Devon and Torbay 2014/15: pays by standard-1, replayed under partial-60" in replayed.stdout
    assert f"Difference under partial-60 across 5 programme(s): £{difference:,.2f}" in replayed.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    changed = [(r["Provider"], r["Scheme"], r["Quarter"], r["Difference"]) for r in rows if Decimal(r["Difference"])]
    assert changed == [
        ("Devon Partnership NHS Trust", "NUTRITION: Improve nutrition and hydration in care settings", "Q2", "7812.50"),
        ("Total", "", "", "7812.50"),
    ]
    assert (unknown.returncode, elsewhere.returncode) == (2, 2)
    assert "There is no payment rules version 'partial-99'" in unknown.stdout.replace("\n", " ")
    assert "There is no programme with the id no-such-programme" in elsewhere.stdout
    assert app.recorder.max_notification_id() == head  # replaying recorded nothing
    app.close()
