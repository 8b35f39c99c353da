"""Programmes: the system-wide progress matrix and the payments, as each reader may see them."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from api.http.access import programme_access, visible_programmes
from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from domain.payments import Figures, pounds
from projections.progress.matrix import progress_matrix
from projections.progress.payments import programme_payments
from projections.progress.reading import fetch

router = APIRouter(prefix="/programmes", tags=["programmes"])


class ProgrammeSummary(BaseModel):
    id: str
    health_economy: str
    contract_year: int


class Cell(BaseModel):
    scheme_id: str
    provider_id: str
    quarter: str
    statuses: list[str]


class SchemeHeading(BaseModel):
    id: str
    title: str
    lead_id: str | None


class Progress(BaseModel):
    programme_id: str
    schemes: list[SchemeHeading]
    providers: dict[str, str]
    cells: list[Cell]
    counts: dict[str, int]


class Money(BaseModel):
    available: Decimal
    earned: Decimal
    shortfall: Decimal
    at_risk: Decimal
    achieved_percent: Decimal | None

    @classmethod
    def of(cls, figures: Figures) -> Money:
        """Figures rounded to the penny for showing."""
        achieved = None if figures.achieved is None else (figures.achieved * 100).quantize(Decimal("0.01"))
        return cls(
            available=pounds(figures.available),
            earned=pounds(figures.earned),
            shortfall=pounds(figures.shortfall),
            at_risk=pounds(figures.at_risk),
            achieved_percent=achieved,
        )


class ProviderMoney(BaseModel):
    provider_id: str
    cquin_value: Decimal
    total: Money
    by_quarter: dict[str, Money]


class Payments(BaseModel):
    programme_id: str
    providers: list[ProviderMoney]
    total: Money | None


@router.get("", response_model=list[ProgrammeSummary])
def list_programmes(actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> list[ProgrammeSummary]:
    """The programmes you may see."""
    rows = {r.id: r for r in fetch(readings, readings.programmes.select())}
    return [
        ProgrammeSummary(id=i, health_economy=rows[i].health_economy, contract_year=rows[i].contract_year)
        for i in visible_programmes(readings, actor)
    ]


@router.get("/{programme_id}/progress", response_model=Progress)
def progress(programme_id: UUID, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Progress:
    """Scheme x provider x quarter statuses, for the schemes you take part in (all, for the commissioner)."""
    access = programme_access(readings, actor, str(programme_id))
    matrix = progress_matrix(readings, str(programme_id))
    cells = [
        Cell(scheme_id=s, provider_id=p, quarter=q.value, statuses=list(statuses))
        for (s, p, q), statuses in matrix.cells.items()
        if s in access.schemes
    ]
    counts: dict[str, int] = dict.fromkeys(matrix.counts, 0)
    for cell in cells:
        for status in cell.statuses:
            counts[status] += 1
    return Progress(
        programme_id=str(programme_id),
        schemes=[
            SchemeHeading(id=s.id, title=s.title, lead_id=s.lead_id) for s in matrix.schemes if s.id in access.schemes
        ],
        providers=matrix.providers,
        cells=cells,
        counts=counts,
    )


@router.get("/{programme_id}/payments", response_model=Payments)
def payments(programme_id: UUID, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Payments:
    """Available, earned, shortfall and at risk: every provider's for the commissioner, your own otherwise."""
    access = programme_access(readings, actor, str(programme_id))
    paid = programme_payments(readings, str(programme_id), None if access.everything else access.provider_id)
    providers = [
        ProviderMoney(
            provider_id=p.provider_id,
            cquin_value=pounds(p.cquin_value),
            total=Money.of(p.total),
            by_quarter={q.value: Money.of(f) for q, f in p.by_quarter.items()},
        )
        for p in paid.providers.values()
        if access.may_see_money_of(p.provider_id)
    ]
    return Payments(
        programme_id=str(programme_id), providers=providers, total=Money.of(paid.total) if access.everything else None
    )
