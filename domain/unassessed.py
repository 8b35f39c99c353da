"""A quarter that cannot close yet: which provider-milestones still need assessing, named for a person."""

from __future__ import annotations

from uuid import UUID

from domain.errors import DomainError, Namer
from domain.milestones import Quarter


class UnassessedMilestonesError(DomainError):
    """A quarter closes only when every provider-milestone is assessed."""

    quarter: Quarter | None = None
    unassessed: tuple[tuple[UUID, str], ...] = ()  # (provider id, milestone code)

    @classmethod
    def of(cls, quarter: Quarter, unassessed: list[tuple[UUID, str]]) -> UnassessedMilestonesError:
        """The error naming the quarter and each provider-milestone not yet assessed."""
        codes = sorted({code for _, code in unassessed})
        error = cls(f"{quarter.value} cannot close yet: milestones {', '.join(codes)} still need assessing")
        error.quarter, error.unassessed = quarter, tuple(unassessed)
        return error

    def described(self, names: Namer) -> str:
        """`Q2: Devon Partnership NHS Trust has no assessment for milestone SE2; …`."""
        if self.quarter is None:
            return str(self)
        by_provider: dict[UUID, list[str]] = {}
        for provider_id, code in self.unassessed:
            by_provider.setdefault(provider_id, []).append(code)
        lacking = [
            f"{names(p)} has no assessment for milestone{'s' if len(codes) > 1 else ''} {', '.join(codes)}"
            for p, codes in by_provider.items()
        ]
        return f"{self.quarter.value}: {'; '.join(lacking)}"
