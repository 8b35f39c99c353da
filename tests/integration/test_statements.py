"""The payment schedule: a year played month by month, paid on account, adjusted to what was earned and trued up
at its end, so that it pays exactly what it earned; and the statements nobody may issue.

Each provider's contract is 100,000,000 at 2.5%: a CQUIN value of 2,500,000, paid on account at 70% expected
achievement: 145,833.33 a month, in pence as paid, the third of a penny left over coming back in the true-up."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.errors import NotPermittedError
from domain.milestones import Quarter
from domain.on_account import OnAccountBasis
from domain.statement import NoOnAccountBasisError, StatementAlreadyIssuedError, StatementNeedsApprovalError
from domain.statement import StatementOutOfTurnError
from projections.progress.queries import programme_payments
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID
from tests.builders import figures, flu_milestone, narrative, narrative_milestone
from tests.integration.given import agreed_scheme, presented
from tests.integration.read_models import Views, views_of

FINANCE = Actor("fiona", COMMISSIONER_ID, Role.FINANCE_APPROVER)
OTHER_COMMISSIONER = Actor("olga", UUID(int=7), Role.COMMISSIONER)
BASIS = OnAccountBasis(Decimal("0.7"), Decimal("200000"))
MET, PARTLY, NOT_MET = AssessmentStatus.MET, AssessmentStatus.PARTIALLY_MET, AssessmentStatus.NOT_MET
# Each quarter's decisions, (provider, milestone) -> status, made in the month after the quarter ends (Q4's in March).
DECIDED_IN_MONTH = {4: Quarter.Q1, 7: Quarter.Q2, 10: Quarter.Q3, 12: Quarter.Q4}
DECISIONS = {
    Quarter.Q1: {ACUTE: MET, COMMUNITY: PARTLY},
    Quarter.Q2: {ACUTE: NOT_MET, COMMUNITY: MET},
    Quarter.Q3: {ACUTE: PARTLY, COMMUNITY: MET},
}


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


def the_year(app: Corral) -> tuple[UUID, UUID]:
    """A scheme with a milestone a quarter for ACUTE and COMMUNITY (Q4's a flu uptake), and the on-account basis."""
    milestones = [narrative_milestone(f"M{q.value[1]}", q) for q in (Quarter.Q1, Quarter.Q2, Quarter.Q3)]
    agreed = agreed_scheme(app, *milestones, flu_milestone("FLU", Quarter.Q4))
    app.set_on_account_basis(COMMISSIONER, agreed.programme_id, BASIS, "Paid monthly at last year's achievement.")
    return agreed.programme_id, agreed.scheme_id


def quarter_decided(app: Corral, scheme_id: UUID, quarter: Quarter) -> None:
    """The quarter's pack presented, every provider-milestone assessed and the quarter closed."""
    if quarter is Quarter.Q4:
        presented(
            app, scheme_id, (ACUTE, "FLU", figures(67, 100)), (COMMUNITY, "FLU", figures(79, 100)), quarter=quarter
        )
        decisions = {ACUTE: PARTLY, COMMUNITY: PARTLY}
        code = "FLU"
    else:
        code = f"M{quarter.value[1]}"
        presented(app, scheme_id, (ACUTE, code, narrative()), (COMMUNITY, code, narrative()), quarter=quarter)
        decisions = DECISIONS[quarter]
    for provider, status in decisions.items():
        app.assess_milestone(COMMISSIONER, scheme_id, quarter, provider.organisation_id, code, status, "On the pack.")
    app.close_quarter(COMMISSIONER, scheme_id, quarter)


def earned(app: Corral, views: Views, programme_id: UUID, provider_id: UUID) -> Decimal:
    """The provider's earned total as the payments page reads it now."""
    paid = programme_payments(views.caught_up(app).progress, str(programme_id))
    return paid.providers[str(provider_id)].total.earned


def issued(app: Corral, views: Views, programme_id: UUID, provider_id: UUID, month: int) -> Actor:
    """Commissioner staff issue the month's statement, or, above the threshold, the finance approver; who did."""
    to_date = earned(app, views, programme_id, provider_id)
    try:
        app.issue_statement(COMMISSIONER, programme_id, provider_id, month, to_date)
        return COMMISSIONER
    except StatementNeedsApprovalError:
        app.issue_statement(FINANCE, programme_id, provider_id, month, to_date)
        return FINANCE


def test_a_year_of_statements_pays_on_account_adjusts_and_trues_up_to_exactly_what_was_earned(
    app: Corral, views: Views
) -> None:
    programme_id, scheme_id = the_year(app)
    issuers = set()
    for month in range(1, 13):
        if month in DECIDED_IN_MONTH:
            quarter_decided(app, scheme_id, DECIDED_IN_MONTH[month])
        for provider_id in (ACUTE_ID, COMMUNITY_ID):
            issuers.add(issued(app, views, programme_id, provider_id, month))
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        year = app.statements(programme_id, provider_id)
        assert [s.month for s in year] == list(range(1, 13))
        march = year[-1].figures
        paid_on_account = sum((s.figures.on_account_payment for s in year), Decimal(0))
        adjustments = sum((s.figures.adjustment_due for s in year), Decimal(0))
        assert march.true_up is not None and all(s.figures.true_up is None for s in year[:-1])
        assert paid_on_account + adjustments + march.true_up == earned(app, views, programme_id, provider_id)
        assert march.paid_to_date == march.earned_to_date
    assert issuers == {COMMISSIONER, FINANCE}  # some adjustments were within the threshold, some above it


def test_each_month_is_paid_a_twelfth_of_the_cquin_value_at_the_expected_achievement(app: Corral) -> None:
    programme_id, _ = the_year(app)
    app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, Decimal(0))
    app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 2, Decimal(0))
    april, may = (s.figures for s in app.statements(programme_id, ACUTE_ID))
    assert april.on_account_payment == Decimal("145833.33")
    assert may.paid_on_account_to_date == 2 * april.on_account_payment
    assert may.adjustments_before == -april.on_account_payment  # nothing earned yet: April's payment clawed back
    assert may.adjustment_due == -may.on_account_payment


def test_commissioner_staff_may_not_issue_a_statement_settling_more_than_the_threshold(app: Corral) -> None:
    programme_id, _ = the_year(app)
    with pytest.raises(StatementNeedsApprovalError, match="approval threshold of £200,000.00"):
        app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, Decimal(400_000))
    assert app.statements(programme_id, ACUTE_ID) == []
    app.issue_statement(FINANCE, programme_id, ACUTE_ID, 1, Decimal(400_000))
    assert [s.issued_by for s in app.statements(programme_id, ACUTE_ID)] == [FINANCE]


def test_a_month_is_issued_once_and_months_in_turn(app: Corral) -> None:
    programme_id, _ = the_year(app)
    app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, Decimal(0))
    with pytest.raises(StatementAlreadyIssuedError, match="month 1 is already issued"):
        app.issue_statement(FINANCE, programme_id, ACUTE_ID, 1, Decimal(0))
    with pytest.raises(StatementOutOfTurnError, match="next statement is for month 2, not 3"):
        app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 3, Decimal(0))


def test_no_provider_nor_other_commissioner_issues_a_statement(app: Corral) -> None:
    programme_id, _ = the_year(app)
    for actor in (ACUTE, OTHER_COMMISSIONER):
        with pytest.raises(NotPermittedError):
            app.issue_statement(actor, programme_id, ACUTE_ID, 1, Decimal(0))
    with pytest.raises(NotPermittedError):
        app.set_on_account_basis(FINANCE, programme_id, BASIS, "Not theirs to set.")
    assert app.statements(programme_id, ACUTE_ID) == []


def test_no_statement_is_issued_before_the_on_account_basis_is_set(app: Corral) -> None:
    programme_id = agreed_scheme(app).programme_id
    with pytest.raises(NoOnAccountBasisError):
        app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, Decimal(0))


def test_the_finance_approver_may_not_assess(app: Corral) -> None:
    scheme_id = the_year(app)[1]
    presented(app, scheme_id, (ACUTE, "M1", narrative()), quarter=Quarter.Q1)
    with pytest.raises(NotPermittedError):
        app.assess_milestone(FINANCE, scheme_id, Quarter.Q1, ACUTE_ID, "M1", MET, "Not theirs to judge.")
