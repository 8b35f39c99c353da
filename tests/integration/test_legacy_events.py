"""The log may hold values recorded before today's limits on input existed, and nothing in it is ever rewritten:
every view applies them, a fresh rebuild gives the same rows, and the payments, dashboard, matrix and audit reads
answer. Each event here is recorded past the domain's checks, as an old one was (see tests/legacy.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.evidence import Evidence, Figures
from domain.milestones import Milestone, Quarter
from domain.organisation import Organisation, OrganisationKind
from domain.programme import ProviderTerms
from domain.assessment import Assessment
from domain.quarter_review import QuarterReview
from domain.scheme import Participant, Scheme, SchemeTerms
from domain.submission import Submission
from projections.audit import audit_trail
from projections.maintenance import verify
from projections.progress.queries import (
    collation_board,
    load_progress,
    programme_payments,
    progress_matrix,
    provider_dashboard,
)
from projections.runner import catch_up
from tests.builders import ACUTE, ACUTE_ID, ADMIN, COMMISSIONER, COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID, narrative
from tests.integration.given import ACTOR_OF, agreed_scheme, presented, programme_set_up
from tests.integration.read_models import Views, money, shown, views_of
from tests.legacy import escaping_non_ascii, recorded, unchecked

TODAY = date(2014, 8, 1)
UNSAFE = "before\x00after, a lone \ud800 surrogate"
MADE_SAFE = "before\ufffdafter, a lone \ufffd surrogate"
NAN = Decimal("NaN")
HALF_RATE = Decimal("0.025")


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as opened:
        yield opened


def applied_and_verified(app: Corral, views: Views) -> None:
    """Every view reaches the head of the log, and equals a fresh rebuild."""
    catch_up(app, views.projections)

    head = app.recorder.max_notification_id()
    assert set(views.positions().values()) == {head}
    assert verify(app, views.database) == []


def every_read_answers(views: Views, programme_id: UUID, *provider_ids: UUID) -> None:
    """The payments (to the penny, as shown), each provider's dashboard, the matrix and the audit trail answer."""
    payments = programme_payments(views.progress, str(programme_id))
    shown(payments.total)
    for provider in payments.providers.values():
        shown(provider.total)
        for figures in (*provider.by_quarter.values(), *provider.by_scheme_quarter.values()):
            shown(figures)
    for provider_id in provider_ids:
        for programme in provider_dashboard(views.progress, str(provider_id), TODAY):
            shown(programme.money)
    progress_matrix(views.progress, str(programme_id), TODAY)
    assert audit_trail(views.database, programme_id=programme_id, limit=1000).entries


def legacy_scheme(app: Corral, programme_id: UUID, code: str, scheme_terms: SchemeTerms) -> UUID:
    """A scheme drafted with terms no check looked at, then led by ACUTE and signed by every party."""
    programme = app.programme(programme_id)
    scheme = Scheme(
        programme_id=programme_id, commissioner_id=COMMISSIONER_ID, code=code, terms=scheme_terms, actor=COMMISSIONER
    )
    programme._scheme_added(scheme_id=scheme.id, code=code, actor=COMMISSIONER)
    recorded(app, scheme, programme)
    app.designate_lead(COMMISSIONER, scheme.id, ACUTE_ID)
    signers = [ACTOR_OF.get(p.provider_id) or provider_actor(p.provider_id) for p in scheme_terms.participants]
    for signer in [*signers, COMMISSIONER]:
        app.sign_scheme(signer, scheme.id, 1)
    return scheme.id


def provider_actor(provider_id: UUID) -> Actor:
    """A member of the provider's staff whose user id is longer than the trail's column for it."""
    return unchecked(
        Actor, user_id=f"staff-of-{provider_id}-" + "n" * 250, organisation_id=provider_id, role=Role.PROVIDER
    )


def milestone(code: str, title: str = "Safety plans audited", weight: Decimal = Decimal(1)) -> Milestone:
    return unchecked(
        Milestone,
        code=code,
        title=title,
        quarter=Quarter.Q1,
        due=date(2014, 7, 31),
        description="",
        provider_id=None,
        weight=weight,
        measure=None,
    )


def participant(provider_id: UUID, weight: Decimal = Decimal(1)) -> Participant:
    return unchecked(Participant, provider_id=provider_id, weight=weight)


def scheme_terms(title: str, participants: tuple[Participant, ...], *milestones: Milestone) -> SchemeTerms:
    return unchecked(SchemeTerms, title=title, participants=participants, milestones=milestones, description="")


def submitted(app: Corral, scheme_id: UUID, programme_id: UUID, actor: Actor, code: str, evidence: Evidence) -> UUID:
    """The provider's evidence for a milestone, recorded as it was given."""
    submission = Submission(
        programme_id=programme_id,
        scheme_id=scheme_id,
        provider_id=actor.organisation_id,
        milestone_code=code,
        quarter=Quarter.Q1,
        evidence=evidence,
        actor=actor,
    )
    recorded(app, submission)
    return submission.id


def test_text_holding_nul_and_a_lone_surrogate_is_applied_by_every_view_with_each_replaced(
    app: Corral, views: Views
) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).id
    app.nudge_provider(ACUTE, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "Your evidence is due")
    submission, review = app.submission(submission_id), app.quarter_review(agreed.scheme_id, Quarter.Q1)
    submission._revised(
        revision=2,
        evidence=unchecked(Evidence, narrative=UNSAFE, figures=None, attachments=()),
        reason=UNSAFE,
        actor=COMMUNITY,
    )
    submission._returned(revision=2, comments=UNSAFE, actor=ACUTE)
    review._nudged(provider_id=COMMUNITY_ID, message=UNSAFE, actor=ACUTE)
    with escaping_non_ascii(app):
        recorded(app, submission, review)

    applied_and_verified(app, views)

    [community] = load_progress(views.progress, TODAY, scheme_id=str(agreed.scheme_id), provider_id=str(COMMUNITY_ID))
    assert (community.status, community.lead_comments) == ("returned", MADE_SAFE)
    board = collation_board(views.progress, str(agreed.scheme_id), Quarter.Q1, TODAY)
    assert [n.message for p in board.participants for n in p.nudges] == ["Your evidence is due", MADE_SAFE]
    trail = audit_trail(views.database, scheme_id=agreed.scheme_id, limit=1000).entries
    assert [e.reason for e in trail if e.event_type in ("EvidenceRevised", "EvidenceReturnedByLead")] == [
        MADE_SAFE,
        MADE_SAFE,
    ]
    every_read_answers(views, agreed.programme_id, ACUTE_ID, COMMUNITY_ID)


def test_names_codes_and_titles_longer_than_their_columns_are_applied_and_stay_distinct(
    app: Corral, views: Views
) -> None:
    programme_id = programme_set_up(app, ACUTE_ID)
    long_code = "LONG-" + "X" * 70
    name = "Torbay \x00" + "Trust " * 80
    provider = Organisation(code=long_code, name=name, kind=OrganisationKind.PROVIDER, actor=ADMIN)
    recorded(app, provider)
    app.join_programme(COMMISSIONER, programme_id, ProviderTerms(provider.id, Decimal("50000000"), Decimal("0.025")))
    shared = "M-" + "Y" * 70  # both codes begin with the same 64 characters
    title = "Reduce self-harm " * 30
    terms = scheme_terms(
        title, (participant(ACUTE_ID), participant(provider.id)), milestone(f"{shared}-1"), milestone(f"{shared}-2")
    )
    scheme_id = legacy_scheme(app, programme_id, "S-" + "Z" * 70, terms)
    for code in (f"{shared}-1", f"{shared}-2"):
        submitted(app, scheme_id, programme_id, provider_actor(provider.id), code, narrative())

    applied_and_verified(app, views)

    rows = load_progress(views.progress, TODAY, scheme_id=str(scheme_id), provider_id=str(provider.id))
    assert [r.status for r in rows] == ["submitted", "submitted"]
    assert len({r.code for r in rows}) == 2 and all(len(r.code) <= 64 and r.code.startswith(shared[:40]) for r in rows)
    assert rows[0].scheme_title == title
    matrix = progress_matrix(views.progress, str(programme_id), TODAY)
    assert matrix.providers[str(provider.id)] == name.replace("\x00", "\ufffd")
    trail = audit_trail(views.database, actor=provider_actor(provider.id).user_id).entries
    assert [e.event_type for e in trail] == ["EvidenceSubmitted"] * 2 + ["Signed"]
    assert {len(e.actor_user_id) for e in trail} == {200}
    acted = {e.actor_organisation_name for e in trail}
    assert len(acted) == 1 and all(n and n.startswith("Torbay \ufffdTrust Trust") and len(n) == 300 for n in acted)
    every_read_answers(views, programme_id, ACUTE_ID, provider.id)


def test_contract_values_beyond_any_bound_and_over_long_decimals_are_applied_and_the_payments_can_be_shown(
    app: Corral, views: Views
) -> None:
    agreed = agreed_scheme(app)
    programme = app.programme(agreed.programme_id)
    huge = unchecked(ProviderTerms, provider_id=ACUTE_ID, contract_value=Decimal("1E+1000000"), cquin_rate=HALF_RATE)
    over_long = Decimal("0.0250000000000000000000000000000000000001")  # 41 digits: more than varchar(40) holds
    precise = unchecked(ProviderTerms, provider_id=COMMUNITY_ID, contract_value=Decimal("1E+8"), cquin_rate=over_long)
    programme._provider_terms_revised(terms=huge, reason="contract variation", actor=COMMISSIONER)
    programme._provider_terms_revised(terms=precise, reason="rate restated", actor=COMMISSIONER)
    recorded(app, programme)
    presented(app, agreed.scheme_id, (ACUTE, "M1", narrative()), (COMMUNITY, "M1", narrative()))
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Quarter.Q1, ACUTE_ID, "M1", AssessmentStatus.MET, "done")
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1", AssessmentStatus.NOT_MET, "no")
    app.close_quarter(COMMISSIONER, agreed.scheme_id, Quarter.Q1)

    applied_and_verified(app, views)

    payments = programme_payments(views.progress, str(agreed.programme_id))
    assert payments.providers[str(ACUTE_ID)].cquin_value == Decimal("1E+15") * HALF_RATE
    assert payments.providers[str(COMMUNITY_ID)].cquin_value == Decimal("2500000")
    assert shown(payments.total) == money("25000002500000", "25000000000000", "2500000", "0", "100.00")
    trail = audit_trail(views.database, programme_id=agreed.programme_id, limit=1000).entries
    assert any("contract value £1,000,000,000,000,000.00, CQUIN rate 2.5%" in e.description for e in trail)
    every_read_answers(views, agreed.programme_id, ACUTE_ID, COMMUNITY_ID)


def test_not_a_number_in_weights_figures_and_achievements_is_applied_as_zero(app: Corral, views: Views) -> None:
    programme_id = programme_set_up(app, ACUTE_ID, COMMUNITY_ID)
    terms = scheme_terms(
        "Improve nutrition",
        (participant(ACUTE_ID), participant(COMMUNITY_ID, NAN)),
        milestone("M1"),
        milestone("M2", weight=NAN),
    )
    scheme_id = legacy_scheme(app, programme_id, "NUTRITION", terms)
    no_figures = unchecked(Figures, numerator=NAN, denominator=NAN)
    submitted(
        app, scheme_id, programme_id, ACUTE, "M1", unchecked(Evidence, narrative="", figures=no_figures, attachments=())
    )
    review = QuarterReview(
        programme_id=programme_id,
        commissioner_id=COMMISSIONER_ID,
        scheme_id=scheme_id,
        quarter=Quarter.Q1,
        actor=COMMISSIONER,
    )
    for provider_id in (ACUTE_ID, COMMUNITY_ID):
        for code in ("M1", "M2"):
            judged = unchecked(
                Assessment,
                provider_id=provider_id,
                milestone_code=code,
                status=AssessmentStatus.PARTIALLY_MET,
                rationale="figures unreadable",
                achievement=NAN,
                evidence_assessed=None,
            )
            review._assessed(assessment=judged, actor=COMMISSIONER)
    review._closed(actor=COMMISSIONER)
    recorded(app, review)

    applied_and_verified(app, views)

    rows = load_progress(views.progress, TODAY, scheme_id=str(scheme_id))
    assert {(r.weight, r.achievement) for r in rows} == {(Decimal(1), Decimal(0)), (Decimal(0), Decimal(0))}
    acute = programme_payments(views.progress, str(programme_id)).providers[str(ACUTE_ID)]
    assert shown(acute.total) == money("2500000", "0", "2500000", "0", "0")
    every_read_answers(views, programme_id, ACUTE_ID, COMMUNITY_ID)
