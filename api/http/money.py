"""Money as the API shows it: each figure rounded half up to the penny, with its exact value beside it, so that
parts add up to their totals exactly; per scheme as per provider."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from domain.payments import Figures, percentage, pounds
from projections.progress.queries import SchemeMoney


class Exact(BaseModel):
    """The figures unrounded: exact Decimals, so a scheme's or a quarter's add up to their total exactly."""

    available: Decimal
    earned: Decimal
    shortfall: Decimal
    at_risk: Decimal

    @classmethod
    def of(cls, figures: Figures) -> Exact:
        """Figures as they are."""
        return cls(
            available=figures.available,
            earned=figures.earned,
            shortfall=figures.shortfall,
            at_risk=figures.at_risk,
        )


class Money(BaseModel):
    available: Decimal = Field(description="value of the milestones assessed so far, in pounds to the penny")
    earned: Decimal = Field(description="what their assessments achieved, in pounds to the penny")
    shortfall: Decimal = Field(description="available less earned, in pounds to the penny")
    at_risk: Decimal = Field(description="value not yet assessed, in pounds to the penny")
    achieved_percent: Decimal | None = Field(
        description="earned / available × 100, to 2 places; none if nothing available"
    )
    exact: Exact = Field(description="the same figures unrounded; these add up exactly across schemes and quarters")

    @classmethod
    def of(cls, figures: Figures) -> Money:
        """Figures rounded to the penny for showing, and exact beside."""
        achieved = None if figures.achieved is None else percentage(figures.achieved)
        return cls(
            available=pounds(figures.available),
            earned=pounds(figures.earned),
            shortfall=pounds(figures.shortfall),
            at_risk=pounds(figures.at_risk),
            achieved_percent=achieved,
            exact=Exact.of(figures),
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


def restated_money(original: Figures, restated: Figures | None) -> tuple[Money | None, Change | None]:
    """The restated figures and the change from the original; none when nothing is restated."""
    if restated is None:
        return None, None
    return Money.of(restated), Change.between(original, restated)


class SchemeMoneyOut(BaseModel):
    """One scheme's money: one provider's, or across the providers you may see."""

    scheme_id: str
    code: str = Field(description="the scheme's code, as in its terms")
    title: str
    total: Money = Field(description="the scheme's figures for the year so far; its quarters add up to it")
    by_quarter: dict[str, Money] = Field(description="the scheme's figures for each quarter, Q1 to Q4")
    restated_total: Money | None = Field(description="the total as restated; none when nothing in it is restated")
    difference: Change | None = Field(description="restated less original; none when nothing in it is restated")

    @classmethod
    def of(cls, money: SchemeMoney) -> SchemeMoneyOut:
        """One scheme's money as the API shows it."""
        restated, difference = restated_money(money.total, money.restated_total)
        return cls(
            scheme_id=money.scheme.scheme_id,
            code=money.scheme.code,
            title=money.scheme.title,
            total=Money.of(money.total),
            by_quarter={q.value: Money.of(f) for q, f in money.by_quarter.items()},
            restated_total=restated,
            difference=difference,
        )
