"""A scheme-quarter's review: nudges, packs presented and queried, and closing the quarter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain import ids
from domain.achievement import AssessmentStatus
from domain.actors import Actor
from domain.errors import NotPermittedError, ReasonRequiredError
from domain.milestones import Quarter
from domain.quarter_review import EvidencePack
from domain.review_errors import EmptyPackError, PackAlreadyPresentedError
from domain.review_errors import PackNotPresentedError, PackNotQueriedError, QuarterClosedError
from domain.quarter_review import QuarterReview, ReviewStatus
from domain.unassessed import UnassessedMilestonesError
from tests.builders import ACUTE, ACUTE_ID, AUDITOR, COMMISSIONER
from tests.builders import COMMISSIONER_ID, COMMUNITY_ID, narrative_milestone, terms
from tests.unit.given import RULES, LEAD, LEAD_ID, PROGRAMME_ID, SCHEME_ID, collected
from tests.unit.given import entry, event_names, opened_review, presented, presented_review

M1 = narrative_milestone("M1")
NOT_THE_LEAD = [ACUTE, COMMISSIONER, AUDITOR]
NOT_THE_LEAD_IDS = ["participant that does not lead", "commissioner", "auditor"]


def queried_review() -> QuarterReview:
    review = presented_review(presented())
    review.query(COMMISSIONER, "Where is the June audit?")
    review.collect_events()
    return review


def acute_assessed_met() -> QuarterReview:
    submission = presented()
    review = presented_review(submission)
    review.assess(COMMISSIONER, M1, ACUTE_ID, AssessmentStatus.MET, "audit complete", submission.evidence(), RULES)
    review.collect_events()
    return review


def closed_review() -> QuarterReview:
    review = acute_assessed_met()
    review.assess(COMMISSIONER, M1, COMMUNITY_ID, AssessmentStatus.NOT_MET, "nothing submitted", None, RULES)
    review.close(COMMISSIONER, terms().expected(Quarter.Q1))
    review.collect_events()
    return review


def test_the_leads_first_action_in_a_quarter_opens_its_review() -> None:
    review = QuarterReview.open(LEAD, PROGRAMME_ID, COMMISSIONER_ID, LEAD_ID, SCHEME_ID, Quarter.Q1)

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["Opened"]
    assert (events[0].scheme_id, events[0].quarter, events[0].actor) == (SCHEME_ID, Quarter.Q1, LEAD)
    assert review.id == ids.quarter_review_id(SCHEME_ID, Quarter.Q1)
    assert (review.status, review.current_pack) == (ReviewStatus.OPEN, ())


def test_the_commissioners_first_action_in_a_quarter_opens_its_review_even_without_a_lead() -> None:
    review = QuarterReview.open(COMMISSIONER, PROGRAMME_ID, COMMISSIONER_ID, None, SCHEME_ID, Quarter.Q1)

    assert event_names(review) == ["Opened"]


@pytest.mark.parametrize("actor", [ACUTE, AUDITOR], ids=["participant that does not lead", "auditor"])
def test_only_the_commissioner_or_the_lead_opens_a_quarters_review(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        QuarterReview.open(actor, PROGRAMME_ID, COMMISSIONER_ID, LEAD_ID, SCHEME_ID, Quarter.Q1)


def test_no_provider_opens_the_review_of_a_scheme_without_a_lead() -> None:
    with pytest.raises(NotPermittedError):
        QuarterReview.open(LEAD, PROGRAMME_ID, COMMISSIONER_ID, None, SCHEME_ID, Quarter.Q1)


def test_the_lead_nudges_a_participant_whose_evidence_is_missing() -> None:
    review = opened_review()

    review.nudge(LEAD, LEAD_ID, ACUTE_ID, " Q1 evidence is due on 31 July ")

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["ProviderNudgedByLead"]
    assert (events[0].provider_id, events[0].message, events[0].actor) == (
        ACUTE_ID,
        "Q1 evidence is due on 31 July",
        LEAD,
    )


@pytest.mark.parametrize("actor", NOT_THE_LEAD, ids=NOT_THE_LEAD_IDS)
def test_only_the_lead_nudges(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        opened_review().nudge(actor, LEAD_ID, ACUTE_ID, "evidence due")


def test_the_lead_presents_a_pack_pinned_to_the_revisions_it_accepted() -> None:
    review = opened_review()
    submission = presented()

    number = review.present(LEAD, LEAD_ID, (entry(submission),), (f"{COMMUNITY_ID}/M1",))

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["EvidencePackPresented"]
    assert (events[0].pack_number, events[0].entries, events[0].missing) == (
        1,
        (entry(submission),),
        (f"{COMMUNITY_ID}/M1",),
    )
    assert number == 1
    assert (review.status, review.current_pack) == (ReviewStatus.PRESENTED, (entry(submission),))
    assert review.packs == [EvidencePack(1, (entry(submission),), (f"{COMMUNITY_ID}/M1",))]
    assert review.entry_for(ACUTE_ID, "M1") == entry(submission)
    assert review.entry_for(COMMUNITY_ID, "M1") is None


def test_a_pack_needs_some_accepted_evidence() -> None:
    with pytest.raises(EmptyPackError):
        opened_review().present(LEAD, LEAD_ID, (), (f"{ACUTE_ID}/M1",))


@pytest.mark.parametrize("actor", NOT_THE_LEAD, ids=NOT_THE_LEAD_IDS)
def test_only_the_lead_presents_the_pack(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        opened_review().present(actor, LEAD_ID, (entry(presented()),), ())


def test_a_pack_with_the_commissioner_is_not_presented_again_until_queried() -> None:
    submission = presented()
    review = presented_review(submission)

    with pytest.raises(PackAlreadyPresentedError):
        review.present(LEAD, LEAD_ID, (entry(submission),), ())


def test_the_commissioner_queries_the_pack_back_to_the_lead() -> None:
    review = presented_review(presented())

    review.query(COMMISSIONER, " Where is the June audit? ")

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["EvidencePackQueried"]
    assert (events[0].pack_number, events[0].questions) == (1, "Where is the June audit?")
    assert review.status is ReviewStatus.QUERIED
    review.require_queried()


def test_a_query_needs_questions() -> None:
    with pytest.raises(ReasonRequiredError):
        presented_review(presented()).query(COMMISSIONER, "  ")


@pytest.mark.parametrize("given", [opened_review, queried_review], ids=["nothing presented", "already queried"])
def test_only_a_presented_pack_is_queried(given: Callable[[], QuarterReview]) -> None:
    with pytest.raises(PackNotPresentedError):
        given().query(COMMISSIONER, "Where is the June audit?")


@pytest.mark.parametrize("actor", [LEAD, AUDITOR], ids=["lead", "auditor"])
def test_only_the_commissioner_queries_a_pack(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        presented_review(presented()).query(actor, "Where is the June audit?")


def test_presented_evidence_is_returned_only_after_a_query() -> None:
    with pytest.raises(PackNotQueriedError):
        presented_review(presented()).require_queried()


def test_after_a_query_the_lead_presents_a_second_pack() -> None:
    review = queried_review()
    submission = presented()

    number = review.present(LEAD, LEAD_ID, (entry(submission),), ())

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["EvidencePackPresented"]
    assert (number, events[0].pack_number, len(review.packs)) == (2, 2, 2)
    assert review.status is ReviewStatus.PRESENTED


def test_a_quarter_with_an_expected_milestone_unassessed_does_not_close() -> None:
    review = acute_assessed_met()

    with pytest.raises(UnassessedMilestonesError):
        review.close(COMMISSIONER, terms().expected(Quarter.Q1))
    assert event_names(review) == []


def test_a_quarter_closes_once_every_expected_milestone_is_assessed() -> None:
    review = acute_assessed_met()
    review.assess(COMMISSIONER, M1, COMMUNITY_ID, AssessmentStatus.NOT_APPLICABLE, "service closed in Q1", None, RULES)
    review.collect_events()

    review.close(COMMISSIONER, terms().expected(Quarter.Q1))

    events = collected(review)
    assert [type(e).__name__ for e in events] == ["QuarterClosed"]
    assert events[0].actor == COMMISSIONER
    assert review.status is ReviewStatus.CLOSED


@pytest.mark.parametrize("actor", [LEAD, AUDITOR], ids=["lead", "auditor"])
def test_only_the_commissioner_closes_a_quarter(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        acute_assessed_met().close(actor, [])


CHANGES_TO_A_CLOSED_QUARTER: dict[str, Callable[[QuarterReview], object]] = {
    "nudge": lambda r: r.nudge(LEAD, LEAD_ID, ACUTE_ID, "evidence due"),
    "present": lambda r: r.present(LEAD, LEAD_ID, (entry(presented()),), ()),
    "query": lambda r: r.query(COMMISSIONER, "Where is the June audit?"),
    "assess": lambda r: r.assess(
        COMMISSIONER, narrative_milestone("M2"), ACUTE_ID, AssessmentStatus.NOT_MET, "late", None, RULES
    ),
    "assess N/A": lambda r: r.assess(
        COMMISSIONER, narrative_milestone("M2"), ACUTE_ID, AssessmentStatus.NOT_APPLICABLE, "not due", None, RULES
    ),
    "revise on appeal": lambda r: r.revise_on_appeal(
        COMMISSIONER, M1, COMMUNITY_ID, AssessmentStatus.NOT_APPLICABLE, "service closed", None, RULES, "appeal"
    ),
    "close": lambda r: r.close(COMMISSIONER, []),
    "check it is open": lambda r: r.require_open(),
}


@pytest.mark.parametrize("change", CHANGES_TO_A_CLOSED_QUARTER.values(), ids=CHANGES_TO_A_CLOSED_QUARTER.keys())
def test_a_closed_quarter_refuses_every_change(change: Callable[[QuarterReview], object]) -> None:
    review = closed_review()

    with pytest.raises(QuarterClosedError):
        change(review)
    assert event_names(review) == []
