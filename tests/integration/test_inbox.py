"""Every user's inbox: the notices events raise for their organisation, read and unread, on both databases."""

from __future__ import annotations

from functools import partial

import pytest

from api.storage.settings import Settings
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.application import Corral
from domain.errors import NotPermittedError
from domain.limits import InvalidInputError
from domain.milestones import Quarter
from domain.restatement import Correction
from projections.notifications import NotificationsView
from projections.registry import view_of
from projections.notifications.queries import Inbox, inbox, own_notice_ids, unread_count
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, OPERATOR
from tests.builders import narrative
from tests.integration.given import Agreed, agreed_scheme, presented
from tests.integration.read_models import views_of

Q1 = Quarter.Q1
notifications = partial(view_of, kind=NotificationsView)
COLLEAGUE = Actor("carl", COMMUNITY_ID, Role.PROVIDER)


def users_registered(app: Corral) -> None:
    """An account for each actor of the scenario, and a second member of the community trust."""
    for actor in (COMMISSIONER, ACUTE, COMMUNITY, COLLEAGUE):
        app.register_user(OPERATOR, actor.user_id, actor.organisation_id, actor.role, "argon2-hash")


def scheme_with_users(app: Corral) -> Agreed:
    """ACUTE leads a scheme COMMUNITY joins; every actor has an account."""
    agreed = agreed_scheme(app)
    users_registered(app)
    return agreed


def inbox_of(
    settings: Settings,
    app: Corral,
    username: str,
    *,
    unread_only: bool = False,
    limit: int = 50,
    before: int | None = None,
) -> Inbox:
    """The user's inbox once the views are caught up."""
    with views_of(settings) as views:
        return inbox(
            notifications(views.caught_up(app).projections),
            username,
            unread_only=unread_only,
            limit=limit,
            before=before,
        )


def test_a_nudge_reaches_every_member_of_the_nudged_provider_and_no_one_else(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)

    app.nudge_provider(ACUTE, agreed.scheme_id, Q1, COMMUNITY_ID, "M1 is due on 31 July")

    with views_of(settings) as views:
        view = notifications(views.caught_up(app).projections)
        for member in ("colin", "carl"):
            shown = inbox(view, member)
            (notice,) = shown.notices
            assert (notice.kind, notice.unread, shown.unread) == ("nudge", True, 1)
            assert notice.subject == "Torbay Acute Trust nudged you for your Q1 evidence: Reduce self-harm and suicide"
            assert "Torbay Acute Trust (alice)" in notice.text and "“M1 is due on 31 July”" in notice.text
            assert notice.link == "/home"
        assert inbox(view, "alice").notices == [] and inbox(view, "gill").notices == []


def test_each_step_of_a_quarter_tells_the_organisation_that_must_act_next(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)
    submission_id = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).id
    app.return_evidence(ACUTE, submission_id, "Attach the ward-level breakdown")
    app.revise_evidence(COMMUNITY, submission_id, narrative("With the breakdown"), "The lead asked for it")
    app.accept_evidence(ACUTE, submission_id)
    app.present_pack(ACUTE, agreed.scheme_id, Q1)
    app.query_pack(COMMISSIONER, agreed.scheme_id, Q1, "Which wards are covered?")
    app.present_pack(ACUTE, agreed.scheme_id, Q1)
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, COMMUNITY_ID, "M1", AssessmentStatus.MET, "Complete")
    app.revise_assessment(
        COMMISSIONER, agreed.scheme_id, Q1, COMMUNITY_ID, "M1", AssessmentStatus.PARTIALLY_MET, "Two wards", "Recount"
    )

    kinds = {
        user: [n.kind for n in reversed(inbox_of(settings, app, user).notices)] for user in ("alice", "colin", "gill")
    }
    assert kinds == {
        "alice": ["submitted", "submitted", "queried"],
        "colin": ["returned", "accepted", "assessed", "appeal"],
        "gill": ["presented", "presented"],
    }
    newest = inbox_of(settings, app, "colin").notices[0]
    assert newest.subject == "M1 for Q1 revised on appeal to Partially Met: Reduce self-harm and suicide"
    assert "from Met to Partially Met" in newest.text and "“Recount”" in newest.text
    assert newest.link == f"/schemes/{agreed.scheme_id}/quarters/Q1/assessments/{COMMUNITY_ID}"


def test_a_restatement_after_the_close_tells_the_provider_what_changed_and_why(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)
    presented(app, agreed.scheme_id, (COMMUNITY, "M1", narrative()))
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, COMMUNITY_ID, "M1", AssessmentStatus.NOT_MET, "Thin.")
    app.assess_milestone(COMMISSIONER, agreed.scheme_id, Q1, ACUTE_ID, "M1", AssessmentStatus.NOT_APPLICABLE, "None.")
    app.close_quarter(COMMISSIONER, agreed.scheme_id, Q1)
    found = Correction(AssessmentStatus.MET, "Complete after all.", "The audit's second volume was found")

    app.restate_assessment(COMMISSIONER, agreed.scheme_id, Q1, COMMUNITY_ID, "M1", found)

    newest = inbox_of(settings, app, "colin").notices[0]
    assert (newest.kind, newest.subject) == ("restated", "M1 for Q1 restated as Met: Reduce self-harm and suicide")
    assert "after the quarter closed, from Not Met to Met" in newest.text and "“The audit's second" in newest.text


def test_the_lead_is_not_told_of_its_own_evidence(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)

    app.submit_evidence(ACUTE, agreed.scheme_id, "M1", narrative())

    assert inbox_of(settings, app, "alice").notices == []


def test_marking_one_notice_read_leaves_it_unread_for_colleagues(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Q1, COMMUNITY_ID, "First reminder")
    app.nudge_provider(ACUTE, agreed.scheme_id, Q1, COMMUNITY_ID, "Second reminder")
    first = inbox_of(settings, app, "colin").notices[-1]

    app.read_notifications(COMMUNITY, [first.id])

    colin = inbox_of(settings, app, "colin")
    assert [n.unread for n in colin.notices] == [True, False] and colin.unread == 1
    assert inbox_of(settings, app, "carl").unread == 2
    assert [n.text for n in inbox_of(settings, app, "colin", unread_only=True).notices] == [colin.notices[0].text]


def test_marking_all_read_reads_up_to_the_newest_seen_not_what_arrives_after(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Q1, COMMUNITY_ID, "First reminder")
    seen = inbox_of(settings, app, "colin").newest
    app.nudge_provider(ACUTE, agreed.scheme_id, Q1, COMMUNITY_ID, "Second reminder")

    app.read_notifications(COMMUNITY, up_to=seen)

    with views_of(settings) as views:
        view = notifications(views.caught_up(app).projections)
        assert unread_count(view, "colin") == 1
        assert [n.unread for n in inbox(view, "colin").notices] == [True, False]


def test_a_user_cannot_name_another_organisations_notice_as_theirs(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)
    app.nudge_provider(ACUTE, agreed.scheme_id, Q1, COMMUNITY_ID, "M1 is due")
    theirs = inbox_of(settings, app, "colin").notices[0].id

    with views_of(settings) as views:
        view = notifications(views.caught_up(app).projections)
        assert own_notice_ids(view, "alice", [theirs]) == []
        assert own_notice_ids(view, "colin", [theirs]) == [theirs]


def test_only_the_user_marks_their_notices_read_and_names_real_ids(app: Corral) -> None:
    scheme_with_users(app)

    with pytest.raises(InvalidInputError) as nothing:
        app.read_notifications(COMMUNITY)
    with pytest.raises(InvalidInputError) as bad:
        app.read_notifications(COMMUNITY, ["12.0", "not-an-id"])
    with pytest.raises(NotPermittedError):
        app.user_account("colin").read_notifications(COLLEAGUE, ("1.0",), None)

    assert (nothing.value.field, bad.value.field) == ("ids", "ids.1")


def test_paging_the_inbox_by_position_loses_and_repeats_nothing(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)
    for number in range(5):
        app.nudge_provider(ACUTE, agreed.scheme_id, Q1, COMMUNITY_ID, f"Reminder {number}")

    pages, before = [], None
    while True:
        page = inbox_of(settings, app, "colin", limit=2, before=before)
        pages.append([n.text.rsplit("“", 1)[1] for n in page.notices])
        before = page.next_before
        if before is None:
            break

    assert pages == [["Reminder 4”", "Reminder 3”"], ["Reminder 2”", "Reminder 1”"], ["Reminder 0”"]]


def test_a_commissioner_hears_of_a_presented_pack(settings: Settings, app: Corral) -> None:
    agreed = scheme_with_users(app)
    submission_id = app.submit_evidence(COMMUNITY, agreed.scheme_id, "M1", narrative()).id
    app.accept_evidence(ACUTE, submission_id)

    app.present_pack(ACUTE, agreed.scheme_id, Q1)

    (notice,) = inbox_of(settings, app, "gill").notices
    assert notice.subject == "Torbay Acute Trust presented evidence pack 1 for Q1: Reduce self-harm and suicide"
    assert notice.link == f"/schemes/{agreed.scheme_id}/quarters/Q1/review"
