"""The payment schedule in plain English: the on-account basis set, and each monthly statement issued."""

from __future__ import annotations

from domain.actors import Role
from domain.on_account import YEAR_END, month_label
from domain.programme import Programme
from domain.statement import Statement
from projections.audit.context import Lookup
from projections.audit.describe import Described, about, context_of, describes
from projections.audit.phrasing import money, name_of, percent, programme_named, who


@describes(Programme.OnAccountBasisSet)
def _on_account_basis_set(e: Programme.OnAccountBasisSet, lookup: Lookup) -> Described:
    text = (
        f"{who(e, lookup)} set the payment on account in {programme_named(lookup, e.originator_id)}: a twelfth of "
        f"each provider's CQUIN value a month at {percent(e.expected_achievement)} expected achievement, statements "
        f"settling more than {money(e.approval_threshold)} to be issued by a finance approver"
    )
    return about(context_of(e, lookup), text, e.reason)


@describes(Statement.StatementIssued)
def _statement_issued(e: Statement.StatementIssued, lookup: Lookup) -> Described:
    by = " (finance approver)" if e.actor.role is Role.FINANCE_APPROVER else ""
    if e.true_up is not None:
        settled = f"earned in the year {money(e.earned_to_date)}, a true-up of {money(e.true_up)}"
    else:
        settled = (
            f"value in closed quarters {money(e.value_closed)}, earned in them {money(e.earned_closed)} against "
            f"{money(e.expected_closed)} expected, an adjustment of {money(e.adjustment_due)}"
        )
    text = (
        f"{who(e, lookup)}{by} issued {name_of(lookup, e.provider_id)}'s payment statement for "
        f"{_named(e.month)} in {programme_named(lookup, e.programme_id)}: paid on account to date "
        f"{money(e.paid_on_account_to_date)}, {settled}"
    )
    return Described(text, None, e.programme_id, None, e.provider_id, None)


def _named(month: int) -> str:
    return "the year end" if month == YEAR_END else month_label(month)
