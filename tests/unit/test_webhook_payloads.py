"""Who is told what of an event, as a pure mapping: each organisation only what it may read, and never evidence."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID, uuid4

from domain.achievement import AssessmentStatus
from domain.assessment import Assessment
from domain.evidence_pack import PackEntry
from domain.quarter_review import QuarterReview
from domain.statement import Statement
from domain.submission import Submission
from domain.webhook import WebhookKind
from projections.notifications.notices import SubmissionFacts
from projections.webhooks.payloads import Parties, told
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY_ID, PRIVATE_ID

SCHEME_ID, REVIEW_ID, PROGRAMME_ID, SUBMISSION_ID = uuid4(), uuid4(), uuid4(), uuid4()
NAMES = {ACUTE_ID: "Torbay Acute Trust", COMMUNITY_ID: "Devon Community Care Trust", PRIVATE_ID: "Mount Stuart"}


@dataclass
class Known:
    """The facts as a view would hold them: ACUTE leads the scheme, COMMUNITY takes part, PRIVATE does not."""

    def organisation(self, organisation_id: UUID) -> str:
        return NAMES.get(organisation_id, "")

    def scheme(self, scheme_id: UUID) -> Parties:
        return Parties(scheme_id, "Reduce self-harm", COMMISSIONER_ID, ACUTE_ID, frozenset({ACUTE_ID, COMMUNITY_ID}))

    def submission(self, submission_id: UUID) -> SubmissionFacts:
        return SubmissionFacts(submission_id, SCHEME_ID, COMMUNITY_ID, "M1", "Q1")

    def review(self, review_id: UUID) -> tuple[UUID, str]:
        return SCHEME_ID, "Q1"

    def commissioner_of(self, programme_id: UUID) -> UUID:
        return COMMISSIONER_ID


def event(cls: type, **fields: object) -> object:
    """An event as the log holds it, with the originator and version the mapping reads."""
    return cls(originator_id=fields.pop("originator_id", REVIEW_ID), originator_version=2, timestamp=None, **fields)


def readers(tellings: list) -> list[UUID]:
    return [t.organisation_id for t in tellings]


def test_a_returned_submission_is_told_to_its_provider_the_lead_and_the_commissioner_without_the_comments() -> None:
    returned = event(
        Submission.EvidenceReturnedByLead, originator_id=SUBMISSION_ID, revision=1, comments="private", actor=ACUTE
    )

    tellings = told(returned, Known())

    assert readers(tellings) == [COMMISSIONER_ID, ACUTE_ID, COMMUNITY_ID]
    assert {t.kind for t in tellings} == {WebhookKind.SUBMISSION_RETURNED}
    assert tellings[0].data == {
        "scheme_id": str(SCHEME_ID),
        "scheme_title": "Reduce self-harm",
        "quarter": "Q1",
        "provider_id": str(COMMUNITY_ID),
        "provider_name": "Devon Community Care Trust",
        "submission_id": str(SUBMISSION_ID),
        "milestone_code": "M1",
        "revision": 1,
        "status": "returned",
    }


def test_a_pack_is_told_whole_to_the_commissioner_and_the_lead_and_to_each_other_participant_its_own_part() -> None:
    entries = (PackEntry(uuid4(), ACUTE_ID, "M1", 1), PackEntry(uuid4(), COMMUNITY_ID, "M1", 2))
    presented = event(QuarterReview.EvidencePackPresented, pack_number=1, entries=entries, missing=(), actor=ACUTE)

    tellings = told(presented, Known())

    assert readers(tellings) == [COMMISSIONER_ID, ACUTE_ID, COMMUNITY_ID]
    whole, lead, part = (t.data["entries"] for t in tellings)
    assert len(whole) == len(lead) == 2
    assert part == [
        {
            "submission_id": str(entries[1].submission_id),
            "provider_id": str(COMMUNITY_ID),
            "milestone_code": "M1",
            "revision": 2,
        }
    ]


def test_an_assessment_is_told_to_the_commissioner_the_lead_and_the_provider_assessed_with_its_status_only() -> None:
    assessment = Assessment(
        COMMUNITY_ID, "M1", AssessmentStatus.PARTIALLY_MET, "private rationale", Decimal("0.5"), None
    )
    assessed = event(QuarterReview.MilestoneAssessed, assessment=assessment, actor=COMMISSIONER)

    tellings = told(assessed, Known())

    assert readers(tellings) == [COMMISSIONER_ID, ACUTE_ID, COMMUNITY_ID]
    assert tellings[0].data["status"] == "Partially Met" and tellings[0].data["decision"] == "assessed"
    assert "private rationale" not in str(tellings) and "0.5" not in str(tellings)


def test_a_closed_quarter_is_told_to_the_commissioner_and_every_participant_and_to_no_one_outside_the_scheme() -> None:
    closed = event(QuarterReview.QuarterClosed, actor=COMMISSIONER)

    assert sorted(map(str, readers(told(closed, Known())))) == sorted(
        map(str, [COMMISSIONER_ID, ACUTE_ID, COMMUNITY_ID])
    )


def test_a_statement_is_told_to_the_commissioner_and_its_provider_without_its_money() -> None:
    issued = Statement.StatementIssued(
        originator_id=uuid4(),
        originator_version=1,
        timestamp=None,
        originator_topic="domain.statement:Statement",
        programme_id=PROGRAMME_ID,
        provider_id=COMMUNITY_ID,
        month=1,
        on_account_payment=Decimal("1234.56"),
        paid_on_account_to_date=Decimal("1234.56"),
        earned_to_date=Decimal("0"),
        adjustments_before=Decimal("0"),
        adjustment_due=Decimal("0"),
        true_up=None,
        actor=COMMISSIONER,
    )

    tellings = told(issued, Known())

    assert readers(tellings) == [COMMISSIONER_ID, COMMUNITY_ID]
    assert "1234.56" not in str(tellings) and tellings[1].data["month"] == 1


def test_an_event_no_webhook_tells_of_tells_no_one() -> None:
    assert (
        told(event(QuarterReview.EvidencePackQueried, pack_number=1, questions="why?", actor=COMMISSIONER), Known())
        == []
    )
