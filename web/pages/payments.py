"""Payments per programme and per provider, with a chart of earned against available by quarter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from fastapi.responses import Response

from api.http.deps import ViewsAfter
from domain.milestones import Quarter
from domain.payments import Figures
from domain.pennies import Shown
from projections.progress.queries import (
    forecast_for,
    name_order,
    organisation_names,
    payments_for,
    programme_heading,
    SchemeMoney,
    scheme_quarters,
    scheme_totals,
)
from web.pages.base import CurrentPage, FormFailure, Page, page_router
from web.pages.schedule import schedule
from web.pages.formats import money

router = page_router()
# Horizontal bars a quarter at a time, each with its figure written above it: the SVG is drawn at the page's width
# (no viewBox to shrink it), the bars' lengths in percent of it, so the text stays readable on a 320 px screen.
QUARTER_LINE, FIGURE_LINE, BAR, GAP = 22, 20, 14, 14


@dataclass(frozen=True)
class Bar:
    kind: str
    label: str
    y: int
    percent: float


@dataclass(frozen=True)
class Chart:
    """Earned against available, each quarter's pair of bars under its name."""

    quarters: list[tuple[str, int]]
    bars: list[Bar]
    height: int


def chart(by_quarter: dict[Quarter, Figures]) -> Chart:
    """Each quarter's available and earned money as bars scaled to the largest available."""
    top = max((f.available for f in by_quarter.values()), default=Decimal(0)) or Decimal(1)
    quarters, bars, y = [], [], 0
    for quarter in Quarter:
        figures = by_quarter.get(quarter, Figures())
        y += QUARTER_LINE
        quarters.append((quarter.value, y - 6))
        for kind, amount in (("Available", figures.available), ("Earned", figures.earned)):
            y += FIGURE_LINE
            bars.append(Bar(kind.lower(), f"{kind} {money(amount)}", y, round(float(amount / top) * 100, 2)))
            y += BAR
        y += GAP
    return Chart(quarters, bars, y)


@router.get("/programmes/{programme_id}/payments")
def payments(page: CurrentPage, programme_id: UUID, _: ViewsAfter) -> Response:
    """Available, earned, shortfall and at risk: the commissioner sees everyone's, a provider only its own; and the
    statements issued, with the forms that set the on-account basis and issue the next month's."""
    return payments_page(page, programme_id)


def payments_page(page: Page, programme_id: UUID, failure: FormFailure | None = None) -> Response:
    """The payments page, with a refused form's failure shown where the form is."""
    readings = page.readings
    heading = programme_heading(readings, page.viewer.actor, programme_id)
    paid = payments_for(readings, heading.access)
    names = organisation_names(readings)
    providers = sorted(paid.providers, key=lambda p: name_order(names.get(p.provider_id, p.provider_id), p.provider_id))
    context = {
        "title": f"{heading.health_economy} {heading.contract_year}: payments",
        "programme": heading,
        "names": names,
        "providers": [(p, chart(p.by_quarter)) for p in providers],
        "total": paid.total,
        "programme_schemes": _scheme_totals(paid.schemes),
        "by_scheme": {p.provider_id: _scheme_totals(p.schemes) for p in providers},
        "by_scheme_quarter": {p.provider_id: _scheme_quarters(p.schemes) for p in providers},
        "restated_total": paid.restated_total,
        "programme_chart": chart(paid.by_quarter) if paid.total is not None else None,
        "by_quarter": paid.by_quarter,
        "quarters": list(Quarter),
        "live_topics": [f"progress:{programme_id}"],
        "schedule": schedule(page, heading.access, programme_id),
        "forecast": forecast_for(readings, heading.access),
    }
    return page.show("payments.html", context, failure)


def _scheme_totals(schemes: list[SchemeMoney]) -> list[tuple[str, Shown]]:
    return [(f"{s.code}: {s.title}", shown) for s, shown in scheme_totals(schemes).items()]


def _scheme_quarters(schemes: list[SchemeMoney]) -> list[tuple[str, Shown]]:
    return [(f"{c.scheme.code}: {c.scheme.title}, {c.quarter.value}", c.shown) for c in scheme_quarters(schemes)]
