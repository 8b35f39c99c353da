"""`corral projections prune` after an upgrade, on SQLite and on PostgreSQL: it lists, then drops, the tables of
view versions this release does not know, and leaves the views it serves."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from sqlalchemy import inspect

from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from projections.audit import AuditProjection, AuditView
from projections.maintenance import status
from projections.runner import catch_up
from tests.e2e import test_projections_cli
from tests.integration.given import agreed_scheme

env, corral = test_projections_cli.env, test_projections_cli.corral  # the store's environment, and `corral` in it
Corral = Callable[..., subprocess.CompletedProcess[str]]


class OldAuditView(AuditView):
    """The audit view as an earlier release had it."""

    name = "audit_v1"


def tables(settings: Settings) -> set[str]:
    database, _ = build_views(settings)
    try:
        return set(inspect(database.engine).get_table_names(schema=database.schema))
    finally:
        database.close()


def test_prune_lists_then_drops_only_the_tables_of_a_version_this_release_does_not_know(
    settings: Settings, corral: Corral
) -> None:
    app = build_application(settings)
    database, projections = build_views(settings)
    try:
        agreed_scheme(app)
        old = AuditProjection(OldAuditView(database))
        old.view.create()
        catch_up(app, [old, *projections])
        old_tables = {t.name for t in old.view.tables}
        kept = tables(settings) - old_tables

        listed = corral("projections", "prune", "--dry-run")
        assert listed.returncode == 0, listed.stdout + listed.stderr
        assert f"would drop audit_v1: {', '.join(sorted(old_tables))}" in listed.stdout
        assert old_tables <= tables(settings)

        dropped = corral("projections", "prune")
        assert dropped.returncode == 0, dropped.stdout + dropped.stderr
        assert "dropped audit_v1" in dropped.stdout
        assert tables(settings) == kept
        assert all(row.lag == 0 for row in status(app, projections))  # the live views untouched

        again = corral("projections", "prune")
        assert "no view versions to prune" in again.stdout
    finally:
        database.close()
        app.close()


def test_the_projections_help_lists_prune_and_its_dry_run(corral: Corral) -> None:
    helped = corral("projections", "--help")
    pruning = corral("projections", "prune", "--help")

    assert "prune" in helped.stdout and "view versions this release does not know" in helped.stdout
    assert "--dry-run" in pruning.stdout
