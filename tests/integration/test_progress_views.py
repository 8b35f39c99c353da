"""Progress as the views show it, scenario by scenario: status words, variations, withdrawals, the lead's board."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.milestones import Milestone, Quarter
from projections.progress.queries import collation_board, load_progress, programme_payments, progress_matrix
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, narrative, narrative_milestone, terms
from tests.integration.given import SCHEME_CODE, accepted, agreed_scheme, programme_set_up, signed_by_everyone
from tests.integration.read_models import Views, money, shown, views_of


@pytest.fixture
def views(settings: Settings) -> Iterator[Views]:
    with views_of(settings) as caught:
        yield caught


def statuses(app: Corral, views: Views, scheme_id: UUID, today: date) -> list[tuple[str, str, str]]:
    """(milestone, provider, status) for every agreed provider-milestone of the scheme, in scheme order."""
    names = {str(ACUTE_ID): "ACUTE", str(COMMUNITY_ID): "COMMUNITY"}
    rows = load_progress(views.caught_up(app).progress, today, scheme_id=str(scheme_id))
    return [(r.code, names[r.provider_id], r.status) for r in rows]


@pytest.mark.parametrize(
    ("quarter", "day_before", "first_day"),
    [
        (Quarter.Q1, date(2014, 3, 31), date(2014, 4, 1)),
        (Quarter.Q2, date(2014, 6, 30), date(2014, 7, 1)),
        (Quarter.Q4, date(2014, 12, 31), date(2015, 1, 1)),  # the 2014/15 contract year's Q4 is in 2015
    ],
)
def test_missing_evidence_is_not_yet_due_until_its_quarter_begins_then_awaited(
    app: Corral, views: Views, quarter: Quarter, day_before: date, first_day: date
) -> None:
    due_as_it_ends = Milestone("M", "Milestone M", quarter, quarter.last_day(2014))
    agreed = agreed_scheme(app, due_as_it_ends)

    app.submit_evidence(ACUTE, agreed.scheme_id, "M", narrative())  # early evidence is welcome

    assert statuses(app, views, agreed.scheme_id, day_before) == [
        ("M", "ACUTE", "submitted"),
        ("M", "COMMUNITY", "not yet due"),
    ]
    assert statuses(app, views, agreed.scheme_id, first_day) == [
        ("M", "ACUTE", "submitted"),
        ("M", "COMMUNITY", "awaiting evidence"),
    ]


def test_withdrawn_evidence_shows_as_awaiting_evidence_and_missing_from_the_pack(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)
    accepted(app, agreed.scheme_id, ACUTE, "M1")
    submission_id = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).id

    app.withdraw_evidence(COMMUNITY, submission_id, "The wrong audit was attached")

    assert statuses(app, views, agreed.scheme_id, date(2014, 5, 1)) == [
        ("M1", "ACUTE", "accepted by lead"),
        ("M1", "COMMUNITY", "awaiting evidence"),
    ]
    board = collation_board(views.progress, str(agreed.scheme_id), Quarter.Q1, date(2014, 5, 1))
    community = next(p for p in board.participants if p.provider_id == str(COMMUNITY_ID))
    assert community.missing == ["M1"] and community.last_action_at is not None
    assert board.ready_to_present is False


def test_withdrawn_evidence_revised_is_submitted_again(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)
    submission_id = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).id
    app.withdraw_evidence(COMMUNITY, submission_id, "The wrong audit was attached")

    app.revise_evidence(COMMUNITY, submission_id, narrative("The right audit."), "Now with the right audit")

    [row] = load_progress(views.caught_up(app).progress, date(2014, 5, 1), provider_id=str(COMMUNITY_ID))
    assert (row.status, row.revision) == ("submitted", 2)


def test_a_milestone_added_by_a_variation_appears_only_once_the_variation_is_agreed(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)  # M1 in Q1
    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())
    today = date(2014, 7, 15)

    app.propose_variation(
        COMMISSIONER,
        agreed.scheme_id,
        terms(narrative_milestone("M1"), narrative_milestone("M2", Quarter.Q2)),
        "Add a second-quarter milestone",
    )

    assert statuses(app, views, agreed.scheme_id, today) == [
        ("M1", "ACUTE", "submitted"),
        ("M1", "COMMUNITY", "awaiting evidence"),
    ]
    while_varying = programme_payments(views.progress, str(agreed.programme_id))
    # still the agreed terms: M1 alone carries each provider's 2,500,000
    assert shown(while_varying.providers[str(ACUTE_ID)].total) == money("0", "0", "0", "2500000", None)

    signed_by_everyone(app, agreed.scheme_id)

    assert statuses(app, views, agreed.scheme_id, today) == [
        ("M1", "ACUTE", "submitted"),
        ("M1", "COMMUNITY", "awaiting evidence"),
        ("M2", "ACUTE", "awaiting evidence"),
        ("M2", "COMMUNITY", "awaiting evidence"),
    ]
    varied = programme_payments(views.progress, str(agreed.programme_id)).providers[str(ACUTE_ID)]
    # 2,500,000 now split over M1 and M2: 1,250,000 at risk in each quarter
    assert shown(varied.by_quarter[Quarter.Q1]) == money("0", "0", "0", "1250000", None)
    assert shown(varied.by_quarter[Quarter.Q2]) == money("0", "0", "0", "1250000", None)
    assert progress_matrix(views.progress, str(agreed.programme_id), today).cells[
        (str(agreed.scheme_id), str(ACUTE_ID), Quarter.Q2)
    ] == ("awaiting evidence",)


def test_a_variation_that_moves_a_milestone_to_a_later_quarter_moves_its_progress(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)  # M1 in Q1
    moved = terms(narrative_milestone("M1", Quarter.Q2))

    app.propose_variation(COMMISSIONER, agreed.scheme_id, moved, "The audit tool arrives in July")
    signed_by_everyone(app, agreed.scheme_id)

    matrix = progress_matrix(views.caught_up(app).progress, str(agreed.programme_id), date(2014, 5, 1))
    assert {quarter for (_, _, quarter) in matrix.cells} == {Quarter.Q2}
    assert matrix.counts["not yet due"] == 2


def test_a_redesignated_lead_heads_the_scheme_in_the_matrix(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app, lead=ACUTE_ID)

    app.designate_lead(COMMISSIONER, agreed.scheme_id, COMMUNITY_ID, "The acute trust's lead has left")

    [scheme] = progress_matrix(views.caught_up(app).progress, str(agreed.programme_id), date(2014, 5, 1)).schemes
    assert scheme.lead_id == str(COMMUNITY_ID)


def test_a_scheme_has_no_progress_until_every_party_has_signed(app: Corral, views: Views) -> None:
    programme_id = programme_set_up(app)
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, SCHEME_CODE, terms()).id
    app.designate_lead(COMMISSIONER, scheme_id, ACUTE_ID)
    app.sign_scheme(ACUTE, scheme_id, 1)
    app.sign_scheme(COMMUNITY, scheme_id, 1)

    before = progress_matrix(views.caught_up(app).progress, str(programme_id), date(2014, 5, 1))
    app.sign_scheme(COMMISSIONER, scheme_id, 1)
    after = progress_matrix(views.caught_up(app).progress, str(programme_id), date(2014, 5, 1))

    assert (sum(before.counts.values()), before.cells) == (0, {})
    assert after.counts["awaiting evidence"] == 2


def test_a_milestone_assessed_na_before_the_pack_does_not_hold_the_pack_back(app: Corral, views: Views) -> None:
    agreed = agreed_scheme(app)
    app.assess_milestone(
        COMMISSIONER, agreed.scheme_id, Quarter.Q1, COMMUNITY_ID, "M1", AssessmentStatus.NOT_APPLICABLE, "Not open yet"
    )
    accepted(app, agreed.scheme_id, ACUTE, "M1")

    board = collation_board(views.caught_up(app).progress, str(agreed.scheme_id), Quarter.Q1, date(2014, 5, 1))

    assert [p.missing for p in board.participants] == [[], []]
    assert board.ready_to_present is True
