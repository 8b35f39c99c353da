"""A programme's payments: every provider's for the commissioner and the auditor, your own otherwise."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, Field

from api.http.deps import CurrentActor, KeptProgress, ProgressReadings, ViewsAfter
from api.http.money import Change, Money, SchemeMoneyOut, restated_money
from api.http.reads import json_answer
from api.http.routing import api_router
from domain.payments import pounds
from projections.progress.queries import (
    Overridden,
    ProgrammeAccess,
    RestatedMilestone,
    payments_for,
    programme_access,
)
from projections.progress.view import ProgressView

router = api_router("/programmes", tags=["programmes"])


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
    by_scheme: list[SchemeMoneyOut] = Field(
        description="this provider's money in each scheme it takes part in; the schemes add up to its total"
    )


class Payments(BaseModel):
    programme_id: str
    providers: list[ProviderMoney]
    total: Money | None = Field(description="the programme's total, for those who see every provider's; else none")
    schemes: list[SchemeMoneyOut] = Field(
        description="each scheme's money across the providers you may see: all of them for the commissioner and the "
        "auditor, your own for a provider"
    )
    restated_total: Money | None = None
    difference: Change | None = None


@router.get("/{programme_id}/payments", response_model=Payments)
def read_payments(
    programme_id: UUID, actor: CurrentActor, readings: ProgressReadings, kept: KeptProgress, _: ViewsAfter
) -> Response:
    """Available, earned, shortfall and at risk, in total, by quarter and by scheme (`schemes`, and each provider's
    `by_scheme`): every provider's for the commissioner, your own otherwise. Where a closed quarter was restated, the
    original figures stand as the quarter closed, beside the restated ones and the difference, in total and for each
    restated milestone."""
    access = programme_access(readings, actor, str(programme_id))  # at every read: who may see what is never kept
    asked = ("payments", access, readings.reading_clock.today())
    return json_answer(kept.answer(asked, lambda: _payments(readings, access).model_dump_json()))


def _payments(readings: ProgressView, access: ProgrammeAccess) -> Payments:
    """The payments this access shows, worked out from the view."""
    paid = payments_for(readings, access)
    providers = []
    for p in paid.providers:
        restated, difference = restated_money(p.total, p.restated_total)
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
                by_scheme=[SchemeMoneyOut.of(s) for s in p.schemes],
            )
        )
    schemes = [SchemeMoneyOut.of(s) for s in paid.schemes]
    if paid.total is None:
        return Payments(programme_id=access.programme_id, providers=providers, total=None, schemes=schemes)
    restated, difference = restated_money(paid.total, paid.restated_total)
    return Payments(
        programme_id=access.programme_id,
        providers=providers,
        total=Money.of(paid.total),
        schemes=schemes,
        restated_total=restated,
        difference=difference,
    )
