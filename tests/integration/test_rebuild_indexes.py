"""A rebuild builds the indexes of the tables a view only writes at its end; one that dies first leaves them to the
next start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, inspect

from api.storage.settings import Settings
from domain.application import Corral
from projections.database import ViewDatabase
from projections.faults import ViewsStuckError
from projections.maintenance import rebuild, verify
from projections.projection import ViewProjection
from tests.builders import ACUTE, COMMUNITY, narrative
from tests.integration.given import agreed_scheme
from tests.integration.read_models import views_of


class Failed(Exception):
    """A statement failed here."""


def missing_indexes(database: ViewDatabase, projections: list[ViewProjection[Any]]) -> set[str]:
    """The names of the views' indexes their database does not hold."""
    inspector = inspect(database.engine)
    defined = {(t.name, i.name) for p in projections for t in p.view.tables for i in t.indexes}
    held = {
        (table, i["name"]) for table in {t for t, _ in defined} for i in inspector.get_indexes(table, database.schema)
    }
    return {str(name) for table, name in defined - held}


@contextmanager
def failing_at_the_first_batch_commit(database: ViewDatabase) -> Iterator[None]:
    """Every batch fails as it moves a view's position."""

    def fail(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE") and database.tracking.name in statement:
            raise Failed

    event.listen(database.engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(database.engine, "before_cursor_execute", fail)


def test_every_view_rebuilt_holds_every_index_it_defines(app: Corral, settings: Settings) -> None:
    agreed = agreed_scheme(app)
    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
    with views_of(settings) as views:
        for projection in views.projections:
            rebuild(app, projection)

        assert missing_indexes(views.database, views.projections) == set()
        assert verify(app, views.database) == []


def test_a_rebuild_that_fails_part_way_still_ends_with_every_index(app: Corral, settings: Settings) -> None:
    agreed = agreed_scheme(app)
    app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative())
    with views_of(settings) as views:
        views.caught_up(app)
        for projection in views.projections:
            with failing_at_the_first_batch_commit(views.database), pytest.raises(ViewsStuckError):
                rebuild(app, projection)

        assert missing_indexes(views.database, views.projections) == set()


def test_indexes_a_killed_rebuild_left_unbuilt_are_built_by_the_next_start(app: Corral, settings: Settings) -> None:
    agreed = agreed_scheme(app)
    app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative())
    with views_of(settings) as views:
        views.caught_up(app)
        deferring = [p for p in views.projections if p.view.written_only]
        with views.database.transaction() as conn:  # what a rebuild killed between its first and last batch leaves
            for projection in deferring:
                for table in projection.view.tables:
                    if table.name.removeprefix(f"{projection.view.key}_") in projection.view.written_only:
                        for index in table.indexes:
                            index.drop(conn)

        assert missing_indexes(views.database, deferring)

    with views_of(settings) as restarted:
        restarted.caught_up(app)

        assert missing_indexes(restarted.database, restarted.projections) == set()
        assert verify(app, restarted.database) == []
