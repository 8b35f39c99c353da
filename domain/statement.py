"""A provider's monthly payment statement: once issued, an event; a correction is a later month's adjustment."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor, Role
from domain.errors import AlreadyExistsError, DomainError, NotPermittedError
from domain.limits import STATEMENT_MONTH
from domain.on_account import YEAR_END
from domain.payments import pounds
from domain.programme import Programme
from domain.statements import ZERO, Settlement, StatementFigures, statement_figures

ISSUERS = (Role.COMMISSIONER, Role.FINANCE_APPROVER)


class NoOnAccountBasisError(DomainError):
    """Statements follow the programme's on-account basis, so it must be set first."""


class StatementAlreadyIssuedError(AlreadyExistsError):
    """A provider's statement for a month is issued once; a correction is a later month's adjustment."""

    field = "month"


class StatementOutOfTurnError(DomainError):
    """A provider's statements are issued month by month, April first, none skipped."""

    field = "month"


class YearStillOpenError(DomainError):
    """The year-end statement trues the year up to what it earned, so it waits for every quarter to close."""

    field = "month"


class StatementNeedsApprovalError(NotPermittedError):
    """A statement settling more than the programme's approval threshold is the finance approver's to issue."""


class Statement(Aggregate):
    """What one provider was paid on account and earned, to one month of its programme's contract year."""

    class StatementIssued(Aggregate.Created):
        programme_id: UUID
        provider_id: UUID
        month: int
        on_account_payment: Decimal
        paid_on_account_to_date: Decimal
        earned_to_date: Decimal
        adjustments_before: Decimal
        adjustment_due: Decimal
        true_up: Decimal | None
        actor: Actor
        value_closed: Decimal = ZERO  # these three recorded since statements reconcile closed quarters
        earned_closed: Decimal = ZERO
        expected_closed: Decimal = ZERO

    @staticmethod
    def create_id(programme_id: UUID, provider_id: UUID, month: int, **_: object) -> UUID:
        return ids.statement_id(programme_id, provider_id, month)

    @classmethod
    def issue(
        cls,
        actor: Actor,
        programme: Programme,
        provider_id: UUID,
        month: int,
        settlement: Settlement,
        previous: Statement | None,
    ) -> Statement:
        """Issue the provider's statement for `month`, following `previous` (its latest, none before April's), on
        the provider's settlement as the payments read it now."""
        if actor.role not in ISSUERS or actor.organisation_id != programme.commissioner_id:
            raise NotPermittedError("only staff of this programme's commissioner may issue its payment statements")
        month = STATEMENT_MONTH.check(month, "month")
        terms = programme.provider(provider_id)
        basis = programme.on_account
        if basis is None:
            raise NoOnAccountBasisError("set the programme's on-account basis before issuing statements")
        due = previous.month + 1 if previous else 1
        if month < due:
            raise StatementAlreadyIssuedError(
                f"this provider's statement for month {month} is already issued: correct it in a later month"
            )
        if month > due:
            raise StatementOutOfTurnError(f"this provider's next statement is for month {due}, not {month}")
        if month == YEAR_END and not settlement.year_closed:
            still_open = ", ".join(q.value for q in settlement.open_quarters)
            verb = "is" if len(settlement.open_quarters) == 1 else "are"
            raise YearStillOpenError(
                f"the year-end statement waits for every quarter to close: {still_open} {verb} open for this provider"
            )
        monthly = basis.monthly_payment(terms.cquin_value)
        before = previous.figures if previous else None
        figures = statement_figures(month, monthly, basis.expected_achievement, settlement, before)
        if actor.role is not Role.FINANCE_APPROVER and abs(figures.settles) > basis.approval_threshold:
            verb = "pays" if figures.settles > 0 else "claws back"
            raise StatementNeedsApprovalError(
                f"this statement {verb} £{pounds(abs(figures.settles)):,}, more than the approval threshold of "
                f"£{pounds(basis.approval_threshold):,}: a finance approver must issue it"
            )
        issued: Statement = cls(
            programme_id=programme.id,
            provider_id=provider_id,
            month=figures.month,
            on_account_payment=figures.on_account_payment,
            paid_on_account_to_date=figures.paid_on_account_to_date,
            earned_to_date=figures.earned_to_date,
            adjustments_before=figures.adjustments_before,
            adjustment_due=figures.adjustment_due,
            true_up=figures.true_up,
            actor=actor,
            value_closed=figures.value_closed,
            earned_closed=figures.earned_closed,
            expected_closed=figures.expected_closed,
        )
        return issued

    @event(StatementIssued)
    def __init__(
        self,
        programme_id: UUID,
        provider_id: UUID,
        month: int,
        on_account_payment: Decimal,
        paid_on_account_to_date: Decimal,
        earned_to_date: Decimal,
        adjustments_before: Decimal,
        adjustment_due: Decimal,
        true_up: Decimal | None,
        actor: Actor,
        value_closed: Decimal = ZERO,
        earned_closed: Decimal = ZERO,
        expected_closed: Decimal = ZERO,
    ) -> None:
        self.programme_id = programme_id
        self.provider_id = provider_id
        self.issued_by = actor
        self.figures = StatementFigures(
            month,
            on_account_payment,
            paid_on_account_to_date,
            earned_to_date,
            adjustments_before,
            adjustment_due,
            true_up,
            value_closed,
            earned_closed,
            expected_closed,
        )

    @property
    def month(self) -> int:
        """The month of the contract year it is for: April is 1, the year end 13."""
        return self.figures.month
