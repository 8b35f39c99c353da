"""The payment schedule as the payments page shows it: the on-account basis, each provider's statements, and who may
set the one and issue the next of the other."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.actors import Role
from domain.on_account import YEAR_END, OnAccountBasis, month_label
from domain.statement import Statement
from projections.progress.queries import ProgrammeAccess
from web.pages.base import Page


@dataclass(frozen=True)
class Schedule:
    """What the viewer sees of a programme's payment schedule."""

    basis: OnAccountBasis | None
    version: int
    statements: dict[str, list[Statement]]  # by provider id, April's first, the year end's last
    may_set_basis: bool
    may_issue: bool

    def next_month(self, provider_id: str) -> tuple[int, str] | None:
        """The month the provider's next statement is for, and how its button names it ("April", "year-end"); none
        once the year end's is issued."""
        month = len(self.statements.get(provider_id, [])) + 1
        if month > YEAR_END:
            return None
        return month, "year-end" if month == YEAR_END else month_label(month)


def schedule(page: Page, access: ProgrammeAccess, programme_id: UUID) -> Schedule:
    """The programme's schedule as the viewer may see it: every provider's statements for the commissioner's staff,
    its finance approver and the auditor; a provider its own."""
    programme = page.corral.programme(programme_id)
    role = page.viewer.actor.role
    seen = [p for p in programme.provider_ids if access.may_see_money_of(str(p))]
    return Schedule(
        programme.on_account,
        programme.version,
        {str(p): page.corral.statements(programme_id, p) for p in seen},
        access.everything and role is Role.COMMISSIONER,
        access.everything and role in (Role.COMMISSIONER, Role.FINANCE_APPROVER),
    )
