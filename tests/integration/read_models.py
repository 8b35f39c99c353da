"""Helpers for read-model tests: the views of a store, their rows, the demo's ids, and one demo store per database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Table, event, select

from api.storage.attachments import AttachmentStore
from api.cli.demo import load_demo, south_devon
from api.storage.settings import Settings
from api.storage.wiring import build_application, build_views
from domain import ids
from domain.application import Corral
from domain.payments import Figures, pounds
from domain.scheme import SchemeTerms
from projections.database import ViewDatabase
from projections.progress.view import ProgressView
from projections.projection import ViewProjection
from projections.runner import catch_up
from tests.builders import COMMISSIONER
from tests.conftest import empty_store
from tests.integration.given import signed_by_everyone

Rows = dict[str, list[tuple[Any, ...]]]


@dataclass
class Views:
    """Every registered projection over one store's view database."""

    database: ViewDatabase
    projections: list[ViewProjection[Any]]

    @property
    def progress(self) -> ProgressView:
        """The progress view, whatever else is registered beside it."""
        return next(p.view for p in self.projections if isinstance(p.view, ProgressView))

    def caught_up(self, app: Corral) -> Views:
        """Bring every view to the head of the log."""
        for projection in self.projections:
            catch_up(app, projection)
        return self

    def positions(self) -> dict[str, int]:
        """Each view's tracking position, by view name."""
        return {p.view.name: p.view.position for p in self.projections}

    def rows(self) -> Rows:
        """Every row of every table of every view, in primary-key order, and the tracking table."""
        tables = [t for p in self.projections for t in p.view.tables] + [self.database.tracking]
        with self.database.engine.connect() as conn:
            return {t.name: _ordered_rows(conn, t) for t in tables}


def _ordered_rows(conn: Any, table: Any) -> list[tuple[Any, ...]]:
    key = list(table.primary_key.columns) or list(table.columns)
    return [tuple(row) for row in conn.execute(select(table).order_by(*key))]


@contextmanager
def selects_of(database: ViewDatabase, *tables: Table) -> Iterator[list[str]]:
    """The SELECTs of any of the tables the views' database runs meanwhile."""
    names, found = [table.name for table in tables], []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and any(f"{n} " in f"{statement} " for n in names):
            found.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)


@contextmanager
def views_of(settings: Settings) -> Iterator[Views]:
    """The views of the store `settings` names, created if missing, closed on exit."""
    database, projections = build_views(settings)
    try:
        yield Views(database, projections)
    finally:
        database.close()


def scheme_agreed(app: Corral, programme_id: UUID, code: str, terms: SchemeTerms, lead: UUID) -> UUID:
    """A further scheme in a programme: drafted, its lead designated and signed by every party."""
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, code, terms).id
    app.designate_lead(COMMISSIONER, scheme_id, lead)
    signed_by_everyone(app, scheme_id)
    return scheme_id


def shown(figures: Figures) -> dict[str, Decimal | None]:
    """The figures as a screen shows them: pounds to the penny and % achieved to two places."""
    achieved = figures.achieved
    return {
        "available": pounds(figures.available),
        "earned": pounds(figures.earned),
        "shortfall": pounds(figures.shortfall),
        "at risk": pounds(figures.at_risk),
        "% achieved": None if achieved is None else (achieved * 100).quantize(Decimal("0.01")),
    }


def money(available: str, earned: str, shortfall: str, at_risk: str, achieved: str | None) -> dict[str, Decimal | None]:
    """Expected figures, written as `shown` gives them (Decimal compares by value: "625000" == "625000.00")."""
    return {
        "available": Decimal(available),
        "earned": Decimal(earned),
        "shortfall": Decimal(shortfall),
        "at risk": Decimal(at_risk),
        "% achieved": None if achieved is None else Decimal(achieved),
    }


# The South Devon and Torbay demo's ids, as the views store them.
SDT_COMMISSIONER = ids.organisation_id(south_devon.CCG)
SDT_PROGRAMME_ID = ids.programme_id(SDT_COMMISSIONER, south_devon.HEALTH_ECONOMY, south_devon.YEAR)
SDT_PROGRAMME = str(SDT_PROGRAMME_ID)


def sdt_scheme(code: str) -> str:
    """A demo scheme's id, by its code (e.g. SELF-HARM)."""
    return str(ids.scheme_id(SDT_PROGRAMME_ID, code))


def sdt_provider(code: str) -> str:
    """A demo organisation's id, by its code (e.g. SDHFT)."""
    return str(ids.organisation_id(code))


@dataclass(frozen=True)
class DemoStore:
    """The demo loaded into one database, with every view caught up."""

    app: Corral
    settings: Settings
    views: Views


_DEMO_STORES: dict[str, DemoStore] = {}


def shared_demo_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    """The demo store for the database in `request.param`, loaded once per session and shared by the modules
    that ask for it; a test that changes a view must put it back."""
    database = str(request.param)
    if database not in _DEMO_STORES:
        stack = ExitStack()
        settings = stack.enter_context(empty_store(request, tmp_path_factory.mktemp(f"demo-{database}")))
        app = build_application(settings)
        stack.callback(app.close)
        load_demo(app, AttachmentStore.of(settings))
        views = Views(*build_views(settings)).caught_up(app)
        stack.callback(views.database.close)
        request.config.add_cleanup(stack.close)
        _DEMO_STORES[database] = DemoStore(app, settings, views)
    return _DEMO_STORES[database]
