"""A statement test plays a demo year month by month: South Devon and Torbay pays its six providers on account at
90%; the demo loads with Q1 closed (one of its milestones restated) and Q2 part way. Its statements are issued April to
March, what remains of each quarter is assessed and closed as the year goes (Q2 in October, Q3 in January, Q4 after
March's statement), and then the year end: every provider is paid exactly what its year earned, to the penny."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, localcontext
from uuid import UUID

import pytest

from api.cli.demo import load_demo
from api.cli.demo.play import staff, submit_and_accept
from api.cli.demo.south_devon import CCG, HEALTH_ECONOMY, SCHEMES, YEAR
from api.storage.attachments import AttachmentStore
from api.storage.settings import Settings
from domain import ids
from domain.achievement import AssessmentStatus, status_for_share, threshold_share
from domain.actors import Actor, Role
from domain.application import Corral
from domain.evidence import Evidence, Figures
from domain.limits import InvalidInputError
from domain.milestones import Milestone, Quarter
from domain.on_account import YEAR_END
from domain.review_reads import ReviewStatus, assessment_key
from domain.statement import StatementOutOfTurnError, YearStillOpenError
from domain.statements import EXACT, StatementFigures
from projections.progress.queries import programme_payments
from tests.integration.read_models import Views, views_of
from tests.integration.test_statements import issued

COMMISSIONER = staff(CCG, Role.COMMISSIONER)
ISSUERS = (COMMISSIONER, Actor("sdt-ccg.finance", ids.organisation_id(CCG), Role.FINANCE_APPROVER))
PROGRAMME_ID = ids.programme_id(ids.organisation_id(CCG), HEALTH_ECONOMY, YEAR)
SCHEME_IDS = [ids.scheme_id(PROGRAMME_ID, code) for code, *_ in SCHEMES]
CLOSES_BEFORE_MONTH = {7: Quarter.Q2, 10: Quarter.Q3, YEAR_END: Quarter.Q4}  # Q1 closed as the demo loads
RECONCILING_MONTHS = {1, 7, 10}  # the first statement after a quarter closes: Q1's, Q2's, Q3's


@pytest.fixture
def views(settings: Settings, app: Corral) -> Iterator[Views]:
    load_demo(app, AttachmentStore.of(settings))
    with views_of(settings) as caught:
        yield caught


def quarter_closed(app: Corral, scheme_id: UUID, quarter: Quarter) -> None:
    """What remains of the scheme-quarter is played through: every participant with no evidence yet sends some and
    the lead accepts it, the lead presents the pack (again, if it was queried), each provider-milestone not yet
    assessed is assessed on what the pack holds (N/A where it holds nothing, as for evidence returned and never
    sent back), and the commissioner closes the quarter."""
    expected = app.scheme(scheme_id).agreed_terms.expected(quarter)
    lead_id = app.programme(PROGRAMME_ID).lead_of(scheme_id)
    assert lead_id is not None
    lead = Actor("lead.quality", lead_id, Role.PROVIDER)
    for provider_id, milestone in expected:
        if not app.exists(ids.submission_id(scheme_id, milestone.code, provider_id)):
            provider = Actor("provider.quality", provider_id, Role.PROVIDER)
            submit_and_accept(app, provider, lead, scheme_id, milestone.code, sent(provider_id, milestone))
    started = app.exists(ids.quarter_review_id(scheme_id, quarter))
    if not started or app.quarter_review(scheme_id, quarter).status is not ReviewStatus.PRESENTED:
        app.present_pack(lead, scheme_id, quarter)
    review = app.quarter_review(scheme_id, quarter)
    for provider_id, milestone in expected:
        if assessment_key(provider_id, milestone.code) not in review.assessments:
            status = decided(app, scheme_id, quarter, provider_id, milestone)
            app.assess_milestone(COMMISSIONER, scheme_id, quarter, provider_id, milestone.code, status, "On the pack.")
    app.close_quarter(COMMISSIONER, scheme_id, quarter)


def sent(provider_id: UUID, milestone: Milestone) -> Evidence:
    """A provider's evidence: figures between 78% and 97% for a numeric milestone, a narrative otherwise."""
    figures = Figures(Decimal(78 + provider_id.int % 20), Decimal(100)) if milestone.measure else None
    return Evidence(f"{milestone.code}: what we did this quarter.", figures)


def decided(
    app: Corral, scheme_id: UUID, quarter: Quarter, provider_id: UUID, milestone: Milestone
) -> AssessmentStatus:
    """N/A with nothing in the pack; as its figures give for a numeric milestone; a narrative one Met, or Partially
    Met for about a third of the providers."""
    entry = app.quarter_review(scheme_id, quarter).entry_for(provider_id, milestone.code)
    if entry is None:
        return AssessmentStatus.NOT_APPLICABLE
    figures = app.submission(entry.submission_id).evidence(entry.revision).figures
    if milestone.measure is not None and figures is not None:
        return status_for_share(threshold_share(milestone.measure, figures))
    return AssessmentStatus.PARTIALLY_MET if provider_id.int % 3 == 0 else AssessmentStatus.MET


def earned_in_the_year(app: Corral, views: Views, provider_id: UUID) -> Decimal:
    """The provider's earned total for the year, as restated, as the payments page reads it."""
    paid = programme_payments(views.caught_up(app).progress, str(PROGRAMME_ID)).providers[str(provider_id)]
    return (paid.restated_total or paid.total).earned


def test_a_statement_test_plays_a_demo_year_month_by_month_and_each_provider_is_paid_exactly_what_it_earned(
    app: Corral, views: Views
) -> None:
    providers = sorted(app.programme(PROGRAMME_ID).provider_ids, key=str)
    first = providers[0]
    for month in range(1, YEAR_END + 1):
        if month == YEAR_END:
            with pytest.raises(YearStillOpenError, match="waits for every quarter to close: Q4 is open"):
                issued(app, views, PROGRAMME_ID, first, YEAR_END, ISSUERS)
        if month == 12:
            with pytest.raises(StatementOutOfTurnError, match="next statement is for month 12, not 13"):
                issued(app, views, PROGRAMME_ID, first, YEAR_END, ISSUERS)
        if month in CLOSES_BEFORE_MONTH:
            for scheme_id in SCHEME_IDS:
                quarter_closed(app, scheme_id, CLOSES_BEFORE_MONTH[month])
        for provider_id in providers:
            issued(app, views, PROGRAMME_ID, provider_id, month, ISSUERS)
    with pytest.raises(InvalidInputError) as fourteenth:
        issued(app, views, PROGRAMME_ID, first, YEAR_END + 1, ISSUERS)

    assert fourteenth.value.field == "month"
    for provider_id in providers:
        year = [s.figures for s in app.statements(PROGRAMME_ID, provider_id)]
        assert [f.month for f in year] == list(range(1, YEAR_END + 1))
        assert paid_in_the_year(year) == earned_in_the_year(app, views, provider_id)
        assert year[-1].paid_to_date == year[-1].earned_to_date == earned_in_the_year(app, views, provider_id)
        # Nothing moves between closes: the open quarters' assessments (Q2's nutrition, at load) settle nothing.
        assert all(f.adjustment_due == 0 for f in year if f.month not in RECONCILING_MONTHS)
        assert year[-1].on_account_payment == 0 and all(f.true_up is None for f in year[:-1])
    assert any(f.adjustment_due < 0 for p in providers for f in figures_of(app, p))  # some clawed back
    assert any(f.adjustment_due > 0 for p in providers for f in figures_of(app, p))  # some paid more


def paid_in_the_year(year: list[StatementFigures]) -> Decimal:
    """Every payment on account, every adjustment and the true-up, added without rounding."""
    with localcontext(EXACT):
        return sum((f.on_account_payment + f.adjustment_due + (f.true_up or 0) for f in year), Decimal(0))


def figures_of(app: Corral, provider_id: UUID) -> list[StatementFigures]:
    """The provider's statements' figures, April's first."""
    return [s.figures for s in app.statements(PROGRAMME_ID, provider_id)]
