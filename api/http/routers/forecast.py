"""A programme's money forecast under named scenarios, and what-if: both read the progress view and record nothing."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from api.http.money import Money
from api.http.routing import api_router
from domain.limits import CODE
from domain.payments import pounds
from projections.progress.queries import Moved, Outlook, Scenario, Supposition, WhatIf, forecast_for
from projections.progress.queries import may_ask_about, programme_access, what_if_for

router = api_router("/programmes", tags=["programmes"])


class OutlookOut(BaseModel):
    """Money as it stands now and under each scenario."""

    actual: Money = Field(description="as it stands now")
    scenarios: dict[str, Money] = Field(description="by scenario: all_met, so_far, none_met, figures_carried")

    @classmethod
    def of(cls, outlook: Outlook) -> OutlookOut:
        """One outlook as the API shows it."""
        return cls(
            actual=Money.of(outlook.actual), scenarios={s.name: Money.of(f) for s, f in outlook.scenarios.items()}
        )


class ProviderForecastOut(BaseModel):
    provider_id: str
    achieved_so_far: Decimal | None = Field(
        description="earned / available over the provider's assessed milestones, from 0 to 1; none when nothing is "
        "assessed yet (the scenarios that use it then leave the remaining milestones at risk)"
    )
    by_quarter: dict[str, OutlookOut]
    total: OutlookOut


class ScenarioOut(BaseModel):
    name: str
    title: str
    description: str


class ForecastOut(BaseModel):
    programme_id: str
    rules_version: str = Field(description="the payment rules the programme pays by, which price every scenario")
    scenarios: list[ScenarioOut]
    providers: list[ProviderForecastOut]
    total: OutlookOut | None = Field(description="the programme's, for those who see every provider's; else none")


@router.get("/{programme_id}/forecast", response_model=ForecastOut)
def read_forecast(programme_id: UUID, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> ForecastOut:
    """Each provider's money by quarter and in total, now and under each scenario for the milestones not yet
    assessed in quarters still open (closed quarters and assessed milestones stay as they are): every one Met, every
    one at the provider's achievement so far, every one Not Met, and numeric ones on their latest figures carried
    forward (the rest at the achievement so far). Every provider's for the commissioner, your own otherwise."""
    seen = forecast_for(readings, programme_access(readings, actor, str(programme_id)))
    providers = [
        ProviderForecastOut(
            provider_id=p.provider_id,
            achieved_so_far=p.so_far,
            by_quarter={q.value: OutlookOut.of(o) for q, o in p.by_quarter.items()},
            total=OutlookOut.of(p.total),
        )
        for p in seen.providers
    ]
    return ForecastOut(
        programme_id=str(programme_id),
        rules_version=seen.rules.version,
        scenarios=[ScenarioOut(name=s.name, title=s.title, description=s.value) for s in Scenario],
        providers=providers,
        total=None if seen.total is None else OutlookOut.of(seen.total),
    )


class SuppositionIn(BaseModel):
    provider_id: UUID
    scheme_id: UUID
    milestone_code: str = Field(max_length=CODE.cap)
    status: str | None = Field(default=None, description="Met, Partially Met, Not Met or N/A")
    numerator: Decimal | None = Field(default=None, description="figures for a numeric milestone")
    denominator: Decimal | None = Field(default=None, description="a rate's denominator; none for a count")


class WhatIfIn(BaseModel):
    changes: list[SuppositionIn] = Field(min_length=1, max_length=500)


class ChangeOut(BaseModel):
    """After less before, rounded to the penny only here."""

    available: Decimal
    earned: Decimal
    shortfall: Decimal
    at_risk: Decimal


class MovedOut(BaseModel):
    before: Money
    after: Money
    change: ChangeOut = Field(description="after less before")

    @classmethod
    def of(cls, moved: Moved) -> MovedOut:
        """Money before and after, and the change."""
        change = moved.change
        return cls(
            before=Money.of(moved.before),
            after=Money.of(moved.after),
            change=ChangeOut(
                available=pounds(change.available),
                earned=pounds(change.earned),
                shortfall=pounds(change.shortfall),
                at_risk=pounds(change.at_risk),
            ),
        )


class CellOut(BaseModel):
    scheme_id: str
    scheme_code: str
    quarter: str
    money: MovedOut


class ProviderWhatIfOut(BaseModel):
    provider_id: str
    by_scheme_quarter: list[CellOut]
    total: MovedOut


class WhatIfOut(BaseModel):
    programme_id: str
    rules_version: str
    providers: list[ProviderWhatIfOut]


@router.post("/{programme_id}/what-if", response_model=WhatIfOut)
def what_if(
    programme_id: UUID, body: WhatIfIn, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter
) -> WhatIfOut:
    """The money before and after hypothetical statuses and/or figures for some milestones in quarters still open,
    per scheme x quarter and in total. Records nothing: no event is stored and no view changes; a POST only because
    the suppositions are a body. A provider may ask only about its own money (403 otherwise, whatever the
    programme); a closed quarter's
    milestone is refused, naming it (422)."""
    may_ask_about(actor, (str(c.provider_id) for c in body.changes))
    access = programme_access(readings, actor, str(programme_id))
    suppositions = [
        Supposition(str(c.provider_id), str(c.scheme_id), c.milestone_code, c.status, c.numerator, c.denominator)
        for c in body.changes
    ]
    return what_if_out(what_if_for(readings, access, suppositions))


def what_if_out(answer: WhatIf) -> WhatIfOut:
    """A what-if as the API shows it."""
    providers = [
        ProviderWhatIfOut(
            provider_id=p.provider_id,
            by_scheme_quarter=[
                CellOut(
                    scheme_id=c.scheme.scheme_id,
                    scheme_code=c.scheme.code,
                    quarter=c.quarter.value,
                    money=MovedOut.of(c.money),
                )
                for c in p.cells
            ],
            total=MovedOut.of(p.total),
        )
        for p in answer.providers
    ]
    return WhatIfOut(programme_id=answer.programme_id, rules_version=answer.rules.version, providers=providers)
