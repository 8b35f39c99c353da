"""Showing parts of a sum to the penny so that they add up to the sum shown: largest-remainder apportionment.

Each part is its exact value rounded down to the penny; the pennies still owed to the total, itself rounded half up,
go one each to the parts that rounding down cost most (the earlier part first on a tie). So the shown parts add up to
the shown total exactly, and each is within a penny of its exact value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from decimal import ROUND_FLOOR, Decimal
from typing import TypeVar

from domain.payments import PENNY, ZERO, Figures, exact_sum, pounds, to_the_penny

K = TypeVar("K")


def apportion(parts: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """The parts to the penny, adding up to their exact sum rounded half up to the penny."""
    floors = {key: to_the_penny(value, ROUND_FLOOR) for key, value in parts.items()}
    total = reduce(exact_sum, parts.values(), ZERO)
    owed = int((pounds(total) - reduce(exact_sum, floors.values(), ZERO)) / PENNY)
    costliest = sorted(parts, key=lambda key: parts[key] - floors[key], reverse=True)  # sorted() is stable
    for key in costliest[:owed]:
        floors[key] += PENNY
    return floors


@dataclass(frozen=True)
class Shown:
    """One part's figures to the penny, apportioned; its % achieved from its exact figures."""

    available: Decimal
    earned: Decimal
    shortfall: Decimal
    at_risk: Decimal
    achieved: Decimal | None


def apportioned(parts: Mapping[K, Figures]) -> dict[K, Shown]:
    """Each part's figures to the penny, each figure's parts adding up to the sum's shown to the penny."""
    available = apportion({k: f.available for k, f in parts.items()})
    earned = apportion({k: f.earned for k, f in parts.items()})
    shortfall = apportion({k: f.shortfall for k, f in parts.items()})
    at_risk = apportion({k: f.at_risk for k, f in parts.items()})
    return {k: Shown(available[k], earned[k], shortfall[k], at_risk[k], f.achieved) for k, f in parts.items()}
