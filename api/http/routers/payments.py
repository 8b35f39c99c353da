"""A programme's payments: every provider's for the commissioner and the auditor, your own otherwise."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from domain.payments import Figures, pounds
from projections.progress.queries import Overridden, payments_for, programme_access

router = APIRouter(prefix="/programmes", tags=["programmes"])


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


class OverriddenOut(BaseModel):
    """A milestone whose status the commissioner chose against the share its figures gave."""

    scheme_id: str
    quarter: str
    milestone_code: str
    status: str
    figures_share: Decimal | None = Field(description="the share the figures gave, from 0 to 1")
    achievement: Decimal | None = Field(description="what the chosen status earns, from 0 to 1; none for N/A")
    reason: str

    @classmethod
    def of(cls, o: Overridden) -> OverriddenOut:
        """One overridden milestone as the API shows it."""
        return cls(
            scheme_id=o.scheme_id,
            quarter=o.quarter.value,
            milestone_code=o.code,
            status=o.status,
            figures_share=o.figures_share,
            achievement=o.achievement,
            reason=o.reason,
        )


class ProviderMoney(BaseModel):
    provider_id: str
    cquin_value: Decimal
    total: Money
    by_quarter: dict[str, Money]
    overridden: list[OverriddenOut] = Field(description="milestones judged against their figures, with the reason")


class Payments(BaseModel):
    programme_id: str
    providers: list[ProviderMoney]
    total: Money | None


@router.get("/{programme_id}/payments", response_model=Payments)
def payments(programme_id: UUID, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Payments:
    """Available, earned, shortfall and at risk: every provider's for the commissioner, your own otherwise."""
    paid = payments_for(readings, programme_access(readings, actor, str(programme_id)))
    providers = [
        ProviderMoney(
            provider_id=p.provider_id,
            cquin_value=pounds(p.cquin_value),
            total=Money.of(p.total),
            by_quarter={q.value: Money.of(f) for q, f in p.by_quarter.items()},
            overridden=[OverriddenOut.of(o) for o in p.overridden],
        )
        for p in paid.providers
    ]
    return Payments(
        programme_id=str(programme_id), providers=providers, total=None if paid.total is None else Money.of(paid.total)
    )
