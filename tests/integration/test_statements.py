"""The payment schedule: a year played month by month, paid on account, each closed quarter reconciled against what
the basis assumed for it, and trued up at the year end once every quarter has closed, so that it pays exactly what it
earned; and the statements nobody may issue.

Each provider's contract is 100,000,000 at 2.5%: a CQUIN value of 2,500,000, paid on account at 70% expected
achievement: 145,833.33 a month, in pence as paid, the third of a penny left over coming back in the true-up."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, localcontext
from uuid import UUID

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.errors import NotPermittedError
from domain.limits import InvalidInputError
from domain.milestones import Quarter
from domain.on_account import YEAR_END, OnAccountBasis
from domain.restatement import Correction
from domain.statement import NoOnAccountBasisError, StatementAlreadyIssuedError, StatementNeedsApprovalError
from domain.statement import Statement, StatementOutOfTurnError, YearStillOpenError
from domain.statements import EXACT, Settlement
from projections.progress.queries import programme_payments, settlement
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID
from tests.builders import figures, flu_milestone, narrative, narrative_milestone
from tests.integration.given import agreed_scheme, presented
from tests.integration.read_models import Views, views_of
from tests.legacy import recorded_without

FINANCE = Actor("fiona", COMMISSIONER_ID, Role.FINANCE_APPROVER)
OTHER_COMMISSIONER = Actor("olga", UUID(int=7), Role.COMMISSIONER)
BASIS = OnAccountBasis(Decimal("0.7"), Decimal("200000"))
MET, PARTLY, NOT_MET = AssessmentStatus.MET, AssessmentStatus.PARTIALLY_MET, AssessmentStatus.NOT_MET
# Each quarter's decisions, (provider, milestone) -> status, made and closed in the month after the quarter ends; Q4's
# after March's statement, before the year end's.
DECIDED_IN_MONTH = {4: Quarter.Q1, 7: Quarter.Q2, 10: Quarter.Q3, YEAR_END: Quarter.Q4}
NOTHING = Settlement()
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


def issued(
    app: Corral,
    views: Views,
    programme_id: UUID,
    provider_id: UUID,
    month: int,
    issuers: tuple[Actor, Actor] = (COMMISSIONER, FINANCE),
) -> Actor:
    """Commissioner staff issue the month's statement on the settlement read now, or, above the threshold, the
    finance approver; who did."""
    staff, approver = issuers
    settled = settlement(views.caught_up(app).progress, str(programme_id), str(provider_id))
    try:
        app.issue_statement(staff, programme_id, provider_id, month, settled)
        return staff
    except StatementNeedsApprovalError:
        app.issue_statement(approver, programme_id, provider_id, month, settled)
        return approver


def test_a_year_of_statements_pays_on_account_reconciles_closed_quarters_and_trues_up_to_exactly_what_was_earned(
    app: Corral, views: Views
) -> None:
    programme_id, scheme_id = the_year(app)
    issuers = set()
    for month in range(1, YEAR_END + 1):
        if month in DECIDED_IN_MONTH:
            quarter_decided(app, scheme_id, DECIDED_IN_MONTH[month])
        for provider_id in (ACUTE_ID, COMMUNITY_ID):
            issuers.add(issued(app, views, programme_id, provider_id, month))
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        year = [s.figures for s in app.statements(programme_id, provider_id)]
        assert [f.month for f in year] == list(range(1, YEAR_END + 1))
        assert [f.adjustment_due for f in year[:3]] == [0, 0, 0]  # nothing clawed back before Q1 closes in July
        year_end = year[-1]
        assert year_end.true_up is not None and all(f.true_up is None for f in year[:-1])
        assert year_end.on_account_payment == 0 and year_end.adjustment_due == 0
        with localcontext(EXACT):
            paid_on_account = sum(f.on_account_payment for f in year)
            adjustments = sum(f.adjustment_due for f in year)
            assert paid_on_account + adjustments + year_end.true_up == earned(app, views, programme_id, provider_id)
        assert year_end.paid_to_date == year_end.earned_to_date
    assert issuers == {COMMISSIONER, FINANCE}  # some adjustments were within the threshold, some above it


def test_july_settles_q1_as_it_closed_against_what_the_basis_assumed_for_it(app: Corral, views: Views) -> None:
    programme_id, scheme_id = the_year(app)
    for month in (1, 2, 3):
        issued(app, views, programme_id, ACUTE_ID, month)
    quarter_decided(app, scheme_id, Quarter.Q1)  # M1, a quarter of the 2,500,000, Met
    issued(app, views, programme_id, ACUTE_ID, 4)
    july = app.statements(programme_id, ACUTE_ID)[-1].figures

    assert (july.value_closed, july.earned_closed) == (Decimal(625_000), Decimal(625_000))
    assert july.expected_closed == Decimal(437_500)  # 70% of it was paid for on account
    assert july.adjustment_due == Decimal(187_500) and july.adjustments_before == 0


def test_a_restatement_after_july_is_settled_in_the_next_statement(app: Corral, views: Views) -> None:
    programme_id, scheme_id = the_year(app)
    for month in (1, 2, 3):
        issued(app, views, programme_id, ACUTE_ID, month)
    quarter_decided(app, scheme_id, Quarter.Q1)
    issued(app, views, programme_id, ACUTE_ID, 4)
    wrong = Correction(NOT_MET, "The plan was never agreed.", "The minutes were misread.")
    app.restate_assessment(COMMISSIONER, scheme_id, Quarter.Q1, ACUTE_ID, "M1", wrong)
    issued(app, views, programme_id, ACUTE_ID, 5)
    august = app.statements(programme_id, ACUTE_ID)[-1].figures

    assert (august.value_closed, august.earned_closed) == (Decimal(625_000), 0)  # as restated: nothing earned
    assert august.adjustment_due == Decimal(-625_000)  # July's 187,500 back, and the 437,500 paid on account for Q1


def test_the_year_end_waits_for_march_and_for_every_quarter_to_close_and_no_month_follows_it(
    app: Corral, views: Views
) -> None:
    programme_id, scheme_id = the_year(app)
    for month in range(1, 12):
        app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, month, NOTHING)
    with pytest.raises(StatementOutOfTurnError, match="next statement is for month 12, not 13"):
        app.issue_statement(FINANCE, programme_id, ACUTE_ID, YEAR_END, NOTHING)
    issued(app, views, programme_id, ACUTE_ID, 12)
    for quarter in (Quarter.Q1, Quarter.Q2, Quarter.Q3):
        quarter_decided(app, scheme_id, quarter)
    with pytest.raises(YearStillOpenError, match="waits for every quarter to close: Q4 is open"):
        issued(app, views, programme_id, ACUTE_ID, YEAR_END)
    quarter_decided(app, scheme_id, Quarter.Q4)
    issued(app, views, programme_id, ACUTE_ID, YEAR_END)
    with pytest.raises(InvalidInputError) as fourteenth:
        app.issue_statement(FINANCE, programme_id, ACUTE_ID, 14, NOTHING)

    assert fourteenth.value.field == "month"
    assert [s.month for s in app.statements(programme_id, ACUTE_ID)] == list(range(1, YEAR_END + 1))


def test_each_month_is_paid_a_twelfth_of_the_cquin_value_at_the_expected_achievement(app: Corral) -> None:
    programme_id, _ = the_year(app)
    app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, NOTHING)
    app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 2, NOTHING)
    april, may = (s.figures for s in app.statements(programme_id, ACUTE_ID))
    assert april.on_account_payment == Decimal("145833.33")
    assert may.paid_on_account_to_date == 2 * april.on_account_payment
    assert may.adjustments_before == 0 and may.adjustment_due == 0  # nothing closed: nothing clawed back


def test_commissioner_staff_may_not_issue_a_statement_settling_more_than_the_threshold(app: Corral) -> None:
    programme_id, _ = the_year(app)
    q1_earned_in_full = Settlement(Decimal(1_000_000), Decimal(1_000_000), Decimal(1_000_000))  # 300,000 over 70%
    with pytest.raises(StatementNeedsApprovalError, match="pays £300,000.00, more than the approval threshold of £200"):
        app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, q1_earned_in_full)
    assert app.statements(programme_id, ACUTE_ID) == []
    app.issue_statement(FINANCE, programme_id, ACUTE_ID, 1, q1_earned_in_full)
    assert [s.issued_by for s in app.statements(programme_id, ACUTE_ID)] == [FINANCE]


def test_a_month_is_issued_once_and_months_in_turn(app: Corral) -> None:
    programme_id, _ = the_year(app)
    app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, NOTHING)
    with pytest.raises(StatementAlreadyIssuedError, match="month 1 is already issued"):
        app.issue_statement(FINANCE, programme_id, ACUTE_ID, 1, NOTHING)
    with pytest.raises(StatementOutOfTurnError, match="next statement is for month 2, not 3"):
        app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 3, NOTHING)


def test_no_provider_nor_other_commissioner_issues_a_statement(app: Corral) -> None:
    programme_id, _ = the_year(app)
    for actor in (ACUTE, OTHER_COMMISSIONER):
        with pytest.raises(NotPermittedError):
            app.issue_statement(actor, programme_id, ACUTE_ID, 1, NOTHING)
    with pytest.raises(NotPermittedError):
        app.set_on_account_basis(FINANCE, programme_id, BASIS, "Not theirs to set.")
    assert app.statements(programme_id, ACUTE_ID) == []


def test_no_statement_is_issued_before_the_on_account_basis_is_set(app: Corral) -> None:
    programme_id = agreed_scheme(app).programme_id
    with pytest.raises(NoOnAccountBasisError):
        app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, NOTHING)


def test_the_finance_approver_may_not_assess(app: Corral) -> None:
    scheme_id = the_year(app)[1]
    presented(app, scheme_id, (ACUTE, "M1", narrative()), quarter=Quarter.Q1)
    with pytest.raises(NotPermittedError):
        app.assess_milestone(FINANCE, scheme_id, Quarter.Q1, ACUTE_ID, "M1", MET, "Not theirs to judge.")


def test_a_statement_recorded_before_closed_quarters_were_reconciled_still_loads_and_is_followed(app: Corral) -> None:
    programme_id, _ = the_year(app)
    older = Statement.issue(COMMISSIONER, app.programme(programme_id), ACUTE_ID, 1, NOTHING, None)
    recorded_without(app, older, "value_closed", "earned_closed", "expected_closed")
    app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 2, NOTHING)

    april, may = (s.figures for s in app.statements(programme_id, ACUTE_ID))
    assert (april.value_closed, april.earned_closed, april.expected_closed) == (0, 0, 0)
    assert april.on_account_payment == Decimal("145833.33") and may.paid_on_account_to_date == Decimal("291666.66")
