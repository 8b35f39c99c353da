"""A view's new version during a rolling upgrade, on PostgreSQL: the new release's projector, on standby, builds the
new version beside the old one while the old release's projector keeps the old views moving and its server keeps
serving; once the old projector stops, the new one takes over every view, and `prune` drops the old version's tables
and nothing else."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, inspect, select, table

from bench.fault_load import eventually
from bench.servers import services
from bench.workload import head
from domain.actors import Role
from projections.database import ViewDatabase
from projections.maintenance import building, status
from projections.progress.projection import ProgressProjection
from projections.progress.view import ProgressView
from projections.projection import ViewProjection
from projections.pruning import StillProjectedError, prune
from projections.registry import build_projections
from projections.runner import Projector
from tests.builders import ACUTE, COMMISSIONER_ID, OPERATOR, narrative, quick_hash
from tests.e2e import test_fault_drills
from tests.e2e.test_fault_drills import Store
from tests.e2e.test_projector_failover import BOUND, LEASE_SECONDS, lease_holder, projector, sessions
from tests.integration.given import agreed_scheme
from tests.integration.test_projector import running

pytestmark = pytest.mark.postgres

store = test_fault_drills.store  # the drills' fixture: a fresh schema, an application on it, and its processes
PASSWORD = "a long enough password"


class NextProgressView(ProgressView):
    """The progress view as the next release has it: a new version, so new tables."""

    name = "progress_v6"


def next_release(database: ViewDatabase) -> list[ViewProjection[object]]:
    """The next release's projections: every view as now, but progress in its next version."""
    projections = build_projections(database)
    return [ProgressProjection(NextProgressView(database)) if p.view.name == "progress_v5" else p for p in projections]


def row_counts(database: ViewDatabase) -> dict[str, int]:
    """Every view table's rows (the event store's own tables left out)."""
    with database.engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names(schema=database.schema) if "_v" in n]
        return {
            n: conn.execute(select(func.count()).select_from(table(n, schema=database.schema))).scalar_one()
            for n in names
        }


def rows(database: ViewDatabase, name: str) -> list[tuple[object, ...]]:
    with database.engine.connect() as conn:
        return sorted(
            tuple(map(str, row)) for row in conn.execute(select("*").select_from(table(name, schema=database.schema)))
        )


@pytest.fixture
def database(store: Store) -> Iterator[ViewDatabase]:
    opened = ViewDatabase(store.settings.database_url, store.settings.database_schema)
    yield opened
    opened.close()


def test_a_new_view_version_is_built_beside_the_serving_old_one_then_takes_over_and_the_old_is_pruned(
    store: Store, database: ViewDatabase
) -> None:
    app = store.app
    agreed = agreed_scheme(app)
    app.register_user(OPERATOR, "gill", COMMISSIONER_ID, Role.COMMISSIONER, quick_hash(PASSWORD))
    old_projector, old_server = projector(store, "old-projector"), store.server()
    new = next_release(database)
    new_progress = new[0].view
    with services(old_projector.start(), old_server.start()):
        eventually(lambda: lease_holder(store.settings) == old_projector.pid, 30, "the old projector active")
        for projection in new:
            projection.view.create()
        assert building(status(app, new)) == ["progress_v6"]
        token = httpx.post(f"{old_server.http}/api/v1/auth/token", data={"username": "gill", "password": PASSWORD})
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}

        with running(Projector(app, new, lease_seconds=LEASE_SECONDS)) as upgrade:
            eventually(lambda: building(status(app, new)) == [], 30, "the new version built")
            submitted = app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
            read = httpx.get(
                f"{old_server.http}/api/v1/programmes/{agreed.programme_id}/progress?after={submitted.position}",
                headers=auth,
                timeout=10,
            )
            assert read.status_code == 200, read.text  # the old server's view kept moving
            assert sessions(old_server, role="corral-serve") > 0  # its sessions say what they are
            eventually(lambda: new_progress.position >= submitted.position, 15, "the new version following the log")
            assert lease_holder(store.settings) == old_projector.pid and not upgrade.active.is_set()
            for new_table in new_progress.tables:  # built alike
                assert rows(database, new_table.name.replace("_v6_", "_v5_")) == rows(database, new_table.name)
            with pytest.raises(StillProjectedError, match="progress_v5 still projected by"):
                prune(database, new)

            old_projector.stop()
            eventually(upgrade.active.is_set, BOUND, "the new release's projector active")
            accepted = app.accept_evidence(ACUTE, submitted.id)
            upgrade.wait(accepted.position, timeout=BOUND)
            before = row_counts(database)
            would = prune(database, new, dry_run=True)
            pruned = prune(database, new)
            after = row_counts(database)

    old_tables = {name for name in before if name.startswith("progress_v5_")}
    assert old_tables and would == pruned and [p.key for p in pruned] == ["progress_v5"]
    assert set(pruned[0].tables) == old_tables
    assert after == {name: count for name, count in before.items() if name not in old_tables}
    assert database.positions(["progress_v5"]) == {"progress_v5": 0}  # its tracking row gone too
    assert new_progress.position >= accepted.position and head(app) == accepted.position
