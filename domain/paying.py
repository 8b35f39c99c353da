"""The payment schedule's use cases: the on-account basis, and each provider's monthly statements."""

from __future__ import annotations

from uuid import UUID

from domain import ids
from domain.actors import Actor
from domain.on_account import YEAR_END, OnAccountBasis
from domain.payment_rules import published
from domain.programme import Programme
from domain.reads import ReadService
from domain.service import Recorded
from domain.statement import Statement
from domain.statements import Settlement


class PaymentService(ReadService):
    """Setting what is paid on account, and issuing the statements that reconcile it with what was earned."""

    def set_on_account_basis(
        self,
        actor: Actor,
        programme_id: UUID,
        basis: OnAccountBasis,
        reason: str,
        expected_version: int | None = None,
    ) -> Recorded:
        """The commissioner sets the monthly payment on account and the statements' approval threshold."""
        programme = self._get(Programme, programme_id, expected_version=expected_version)
        programme.set_on_account_basis(actor, basis, reason)
        return self._save(programme)

    def adopt_payment_rules(
        self, actor: Actor, programme_id: UUID, version: str, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The commissioner adopts a published version of the payment rules, saying why."""
        programme = self._get(Programme, programme_id, expected_version=expected_version)
        programme.adopt_payment_rules(actor, published(version), reason)
        return self._save(programme)

    def issue_statement(
        self, actor: Actor, programme_id: UUID, provider_id: UUID, month: int, settlement: Settlement
    ) -> Recorded:
        """Issue a provider's statement for a month (the year end is 13), on its settlement as the payments read
        it."""
        programme = self.programme(programme_id)
        issued = self.statements(programme_id, provider_id)
        statement = Statement.issue(actor, programme, provider_id, month, settlement, issued[-1] if issued else None)
        return self._create(statement, message=f"this provider's statement for month {month} is already issued")

    def statements(self, programme_id: UUID, provider_id: UUID) -> list[Statement]:
        """The provider's statements issued so far, April's first and the year end's last (they are issued in turn,
        none skipped)."""
        issued = []
        for month in range(1, YEAR_END + 1):
            statement = self._find(Statement, ids.statement_id(programme_id, provider_id, month))
            if statement is None:
                break
            issued.append(statement)
        return issued
