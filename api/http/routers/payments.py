"""A programme's payments: every provider's for the commissioner and the auditor, your own otherwise."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from domain.payments import Figures, pounds
from projections.progress.queries import Overridden, RestatedMilestone, payments_for, programme_access

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


class Change(BaseModel):
    """What a restatement changes: restated less original, rounded to the penny only here."""

    available: Decimal
    earned: Decimal
    shortfall: Decimal

    @classmethod
    def between(cls, original: Figures, restated: Figures) -> Change:
        """The exact difference, rounded for showing."""
        difference = restated - original
        return cls(
            available=pounds(difference.available),
            earned=pounds(difference.earned),
            shortfall=pounds(difference.shortfall),
        )


class RestatedOut(BaseModel):
    """A milestone restated after its quarter closed: the original figures, the restated ones and the difference."""

    scheme_id: str
    quarter: str
    milestone_code: str
    original_status: str
    restated_status: str
    reason: str
    effective_on: date = Field(description="the day inside the quarter the restatement takes effect")
    recorded_at: datetime = Field(description="when Corral recorded it")
    original: Money
    restated: Money
    difference: Change

    @classmethod
    def of(cls, m: RestatedMilestone) -> RestatedOut:
        """One restated milestone as the API shows it."""
        return cls(
            scheme_id=m.scheme_id,
            quarter=m.quarter.value,
            milestone_code=m.code,
            original_status=m.original_status,
            restated_status=m.restated_status,
            reason=m.reason,
            effective_on=m.effective_on,
            recorded_at=m.recorded_at,
            original=Money.of(m.original),
            restated=Money.of(m.restated),
            difference=Change.between(m.original, m.restated),
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
    restated: list[RestatedOut] = Field(description="milestones restated after their quarter closed")
    restated_total: Money | None = Field(description="the total as restated; none when nothing is restated")
    difference: Change | None = Field(description="restated less original; none when nothing is restated")


class Payments(BaseModel):
    programme_id: str
    providers: list[ProviderMoney]
    total: Money | None
    restated_total: Money | None = None
    difference: Change | None = None


def _restated(original: Figures, restated: Figures | None) -> tuple[Money | None, Change | None]:
    if restated is None:
        return None, None
    return Money.of(restated), Change.between(original, restated)


@router.get("/{programme_id}/payments", response_model=Payments)
def payments(programme_id: UUID, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Payments:
    """Available, earned, shortfall and at risk: every provider's for the commissioner, your own otherwise. Where a
    closed quarter was restated, the original figures stand as the quarter closed, beside the restated ones and the
    difference, in total and for each restated milestone."""
    paid = payments_for(readings, programme_access(readings, actor, str(programme_id)))
    providers = []
    for p in paid.providers:
        restated, difference = _restated(p.total, p.restated_total)
        providers.append(
            ProviderMoney(
                provider_id=p.provider_id,
                cquin_value=pounds(p.cquin_value),
                total=Money.of(p.total),
                by_quarter={q.value: Money.of(f) for q, f in p.by_quarter.items()},
                overridden=[OverriddenOut.of(o) for o in p.overridden],
                restated=[RestatedOut.of(m) for m in p.restated],
                restated_total=restated,
                difference=difference,
            )
        )
    if paid.total is None:
        return Payments(programme_id=str(programme_id), providers=providers, total=None)
    restated, difference = _restated(paid.total, paid.restated_total)
    return Payments(
        programme_id=str(programme_id),
        providers=providers,
        total=Money.of(paid.total),
        restated_total=restated,
        difference=difference,
    )
