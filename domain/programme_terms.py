"""What a programme holds its schemes to: each provider's contract value and CQUIN rate, and the contract year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple
from uuid import UUID

from domain.limits import CONTRACT_VALUE, CQUIN_RATE
from domain.milestones import Quarter


@dataclass(frozen=True)
class ProviderTerms:
    """A participating provider's contract value and CQUIN rate."""

    provider_id: UUID
    contract_value: Decimal
    cquin_rate: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "contract_value", CONTRACT_VALUE.check(self.contract_value, "contract_value"))
        object.__setattr__(self, "cquin_rate", CQUIN_RATE.check(self.cquin_rate, "cquin_rate"))

    @property
    def cquin_value(self) -> Decimal:
        """The income at stake: contract value times CQUIN rate."""
        return self.contract_value * self.cquin_rate


class ProgrammeScope(NamedTuple):
    """What a scheme's terms must keep within: the programme's providers and its contract year (never recorded)."""

    provider_ids: frozenset[UUID]
    contract_year: int

    @property
    def first_day(self) -> date:
        """1 April of the contract year."""
        return Quarter.Q1.first_day(self.contract_year)

    @property
    def last_day(self) -> date:
        """31 March of the next calendar year."""
        return Quarter.Q4.last_day(self.contract_year)
