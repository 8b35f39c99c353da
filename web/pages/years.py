"""Which contract year a page of programmes shows: the one asked for, else the current one, with links to the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Protocol, TypeVar
from urllib.parse import urlencode

from fastapi import Query

from domain.milestones import contract_year_label, contract_year_of

EVERY_YEAR = "all"


class OfAYear(Protocol):
    @property
    def contract_year(self) -> int: ...


P = TypeVar("P", bound=OfAYear)
YearAsked = Annotated[str | None, Query(pattern=r"^(all|\d{4})$", description="a contract year, or all")]


@dataclass(frozen=True)
class YearLink:
    label: str
    href: str
    shown: bool


@dataclass(frozen=True)
class Years:
    """The year shown (None for every year) and a link to each year the viewer has, newest first, then all years."""

    shown: int | None
    links: list[YearLink]

    @property
    def label(self) -> str:
        return "every year" if self.shown is None else contract_year_label(self.shown)

    def of(self, programmes: Sequence[P]) -> list[P]:
        """The programmes of the year shown."""
        return [p for p in programmes if self.shown in (None, p.contract_year)]


def years_for(asked: str | None, programmes: Sequence[OfAYear], today: date, default_all: bool = False) -> Years:
    """The year a list of programmes shows: the one asked for ("all" for every year); else every year when that is
    the page's default; else the current contract year, or, when the viewer has no programme in it, the latest year
    before it that has one (the earliest, when every one is later)."""
    years = sorted({p.contract_year for p in programmes})
    if asked == EVERY_YEAR:
        shown: int | None = None
    elif asked is not None:
        shown = int(asked)
    elif default_all:
        shown = None
    else:
        shown = _current(years, contract_year_of(today))
    links = [YearLink(contract_year_label(y), _query(str(y)), y == shown) for y in sorted(years, reverse=True)]
    return Years(shown, [*links, YearLink("All years", _query(EVERY_YEAR), shown is None)])


def _current(years: list[int], now: int) -> int | None:
    if not years or now in years:
        return now
    earlier = [y for y in years if y < now]
    return max(earlier) if earlier else min(years)


def _query(year: str) -> str:
    return f"?{urlencode({'year': year})}"
