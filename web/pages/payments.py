"""Payments per programme and per provider, with a chart of earned against available by quarter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from api.http.deps import ViewsAfter
from domain.milestones import Quarter
from domain.payments import Figures
from projections.progress.queries import organisation_names, payments_for, programme_heading
from web.pages.base import CurrentPage, PageRoute

router = APIRouter(route_class=PageRoute)
WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 240, 20, 40, 10
BAR = 44


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    kind: str
    label: str


@dataclass(frozen=True)
class Chart:
    """Bars for an inline SVG: available then earned, for each quarter."""

    bars: list[Bar]
    quarters: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM


def chart(by_quarter: dict[Quarter, Figures]) -> Chart:
    """Scale each quarter's available and earned money to the chart's height."""
    top = max((f.available for f in by_quarter.values()), default=Decimal(0)) or Decimal(1)
    room = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / len(Quarter)
    bars, labels = [], []
    for i, quarter in enumerate(Quarter):
        money = by_quarter.get(quarter, Figures())
        x = LEFT + i * slot + (slot - 2 * BAR - 6) / 2
        for j, (kind, amount) in enumerate((("available", money.available), ("earned", money.earned))):
            height = float(amount / top) * room
            bars.append(Bar(x + j * (BAR + 6), HEIGHT - BOTTOM - height, height, kind, f"£{amount:,.0f}"))
        labels.append((LEFT + i * slot + slot / 2, quarter.value))
    return Chart(bars, labels)


@router.get("/programmes/{programme_id}/payments")
def payments(page: CurrentPage, programme_id: UUID, _: ViewsAfter) -> Response:
    """Available, earned, shortfall and at risk: the commissioner sees everyone's, a provider only its own."""
    readings = page.readings
    heading = programme_heading(readings, page.viewer.actor, programme_id)
    paid = payments_for(readings, heading.access)
    names = organisation_names(readings)
    providers = sorted(paid.providers, key=lambda p: names.get(p.provider_id, p.provider_id))
    context = {
        "title": f"{heading.health_economy} {heading.contract_year}: payments",
        "programme": heading,
        "names": names,
        "providers": [(p, chart(p.by_quarter)) for p in providers],
        "total": paid.total,
        "programme_chart": chart(paid.by_quarter) if paid.total is not None else None,
        "by_quarter": paid.by_quarter,
        "quarters": list(Quarter),
        "live_topics": [f"progress:{programme_id}"],
    }
    return page.show("payments.html", context)
