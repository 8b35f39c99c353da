"""A shared scheme's year, use case by use case, on each database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.achievement import AssessmentStatus, StatusDisagreesWithFiguresError
from domain.application import Corral
from domain.milestones import Quarter
from domain.organisation import OrganisationKind
from domain.evidence_pack import PackEntry
from domain.quarter_review import ReviewStatus
from domain.review_errors import PackNotQueriedError, QuarterClosedError
from domain.submission import SubmissionLockedError, SubmissionStatus
from tests.builders import ACUTE, ACUTE_ID, OPERATOR, COMMISSIONER, COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID
from tests.builders import PRIVATE, PRIVATE_ID, figures, flu_milestone, narrative, narrative_milestone, terms
from tests.integration.given import all_events, event_count, event_names, last_event, provider_terms

Q1 = Quarter.Q1
USERS = {actor.user_id: actor.organisation_id for actor in (OPERATOR, COMMISSIONER, ACUTE, COMMUNITY, PRIVATE)}
ACTED_BY = {
    "Registered": OPERATOR,
    "SetUp": COMMISSIONER,
    "ProviderJoined": COMMISSIONER,
    "Drafted": COMMISSIONER,
    "LeadProviderDesignated": COMMISSIONER,
    "LeadProviderRedesignated": COMMISSIONER,
    "Agreed": COMMISSIONER,
    "Opened": ACUTE,
    "ProviderNudgedByLead": ACUTE,
    "EvidenceAcceptedByLead": ACUTE,
    "EvidenceReturnedByLead": ACUTE,
    "EvidencePresented": ACUTE,
    "EvidencePackPresented": ACUTE,
    "EvidencePackQueried": COMMISSIONER,
    "MilestoneAssessed": COMMISSIONER,
    "AssessmentRevisedOnAppeal": COMMISSIONER,
    "QuarterClosed": COMMISSIONER,
}


def test_a_shared_scheme_runs_from_registration_to_a_closed_quarter(app: Corral) -> None:
    app.register_organisation(OPERATOR, "CCG", "South Devon and Torbay CCG", OrganisationKind.COMMISSIONER)
    app.register_organisation(OPERATOR, "ACUTE", "Torbay Acute Trust", OrganisationKind.PROVIDER)
    app.register_organisation(OPERATOR, "COMMUNITY", "Devon Community Care Trust", OrganisationKind.PROVIDER)
    app.register_organisation(OPERATOR, "PRIVATE", "Mount Stuart Hospital", OrganisationKind.PROVIDER)
    assert app.organisation(COMMISSIONER_ID).kind is OrganisationKind.COMMISSIONER
    assert app.organisation(PRIVATE_ID).name == "Mount Stuart Hospital"

    programme_id = app.set_up_programme(COMMISSIONER, "South Devon and Torbay", 2014).id
    for provider_id in (ACUTE_ID, COMMUNITY_ID, PRIVATE_ID):
        app.join_programme(COMMISSIONER, programme_id, provider_terms(provider_id))
    programme = app.programme(programme_id)
    assert programme.provider_ids == {ACUTE_ID, COMMUNITY_ID, PRIVATE_ID}
    assert programme.provider(ACUTE_ID).cquin_value == Decimal("2500000")

    scheme_terms = terms(
        narrative_milestone("M1"), flu_milestone("FLU"), participants=(ACUTE_ID, COMMUNITY_ID, PRIVATE_ID)
    )
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, "SELFHARM", scheme_terms).id
    app.designate_lead(COMMISSIONER, scheme_id, COMMUNITY_ID)
    app.designate_lead(COMMISSIONER, scheme_id, ACUTE_ID, reason="The acute trust hosts the safeguarding team")
    assert app.programme(programme_id).lead_of(scheme_id) == ACUTE_ID

    for signer in (ACUTE, COMMUNITY, PRIVATE):
        app.sign_scheme(signer, scheme_id, 1)
        assert app.scheme(scheme_id).status.value == "draft"
    app.sign_scheme(COMMISSIONER, scheme_id, 1)
    assert app.scheme(scheme_id).status.value == "agreed"
    assert app.scheme(scheme_id).agreed_terms == scheme_terms
    assert event_names(app, scheme_id) == ["Drafted", "Signed", "Signed", "Signed", "Signed", "Agreed"]

    acute_m1 = app.submit_evidence(ACUTE, scheme_id, "M1", narrative("Safety-plan audit: 96% compliant.")).id
    acute_flu = app.submit_evidence(ACUTE, scheme_id, "FLU", figures(70, 100)).id
    community_m1 = app.submit_evidence(COMMUNITY, scheme_id, "M1", narrative("Audit in progress.")).id
    community_flu = app.submit_evidence(COMMUNITY, scheme_id, "FLU", figures(50, 100)).id
    private_flu = app.submit_evidence(PRIVATE, scheme_id, "FLU", figures(65, 100)).id
    private_m1 = app.submit_evidence(PRIVATE, scheme_id, "M1", narrative("Wrong file.")).id
    app.withdraw_evidence(PRIVATE, private_m1, reason="Uploaded last year's audit by mistake")
    assert app.submission(private_m1).status is SubmissionStatus.WITHDRAWN

    app.return_evidence(ACUTE, community_m1, "Please attach the signed-off audit")
    assert app.submission(community_m1).status is SubmissionStatus.RETURNED
    assert app.submission(community_m1).lead_comments == "Please attach the signed-off audit"
    app.revise_evidence(COMMUNITY, community_m1, narrative("Signed-off audit attached."), reason="Lead's comments")
    for accepted in (acute_m1, acute_flu, community_m1, community_flu, private_flu):
        app.accept_evidence(ACUTE, accepted)
    assert app.submission(community_m1).status is SubmissionStatus.ACCEPTED

    nudge = app.nudge_provider(ACUTE, scheme_id, Q1, PRIVATE_ID, "Your M1 evidence is due by 31 July")
    assert event_names(app, nudge.id) == ["Opened", "ProviderNudgedByLead"]

    app.present_pack(ACUTE, scheme_id, Q1)
    review = app.quarter_review(scheme_id, Q1)
    assert review.status is ReviewStatus.PRESENTED
    assert set(review.current_pack) == {
        PackEntry(acute_m1, ACUTE_ID, "M1", 1),
        PackEntry(community_m1, COMMUNITY_ID, "M1", 2),
        PackEntry(acute_flu, ACUTE_ID, "FLU", 1),
        PackEntry(community_flu, COMMUNITY_ID, "FLU", 1),
        PackEntry(private_flu, PRIVATE_ID, "FLU", 1),
    }
    presented = last_event(app, review.id)
    assert type(presented).__name__ == "EvidencePackPresented"
    assert list(presented.missing) == [f"{PRIVATE_ID}/M1"]
    for in_pack in (acute_m1, acute_flu, community_m1, community_flu, private_flu):
        assert app.submission(in_pack).status is SubmissionStatus.PRESENTED
        assert event_names(app, in_pack)[-1] == "EvidencePresented"
    with pytest.raises(SubmissionLockedError):
        app.revise_evidence(ACUTE, acute_flu, figures(72, 90), reason="Late correction")
    with pytest.raises(SubmissionLockedError):
        app.withdraw_evidence(ACUTE, acute_flu, reason="Late correction")
    with pytest.raises(PackNotQueriedError):
        app.return_evidence(ACUTE, acute_flu, "Exclude bank staff")

    app.query_pack(COMMISSIONER, scheme_id, Q1, "Does the acute denominator include bank staff?")
    assert app.quarter_review(scheme_id, Q1).status is ReviewStatus.QUERIED
    app.return_evidence(ACUTE, acute_flu, "Exclude bank staff from the denominator")
    app.revise_evidence(ACUTE, acute_flu, figures(72, 90), reason="Bank staff excluded from the denominator")
    app.accept_evidence(ACUTE, acute_flu)
    app.present_pack(ACUTE, scheme_id, Q1)
    review = app.quarter_review(scheme_id, Q1)
    assert len(review.packs) == 2
    assert review.entry_for(ACUTE_ID, "FLU") == PackEntry(acute_flu, ACUTE_ID, "FLU", 2)
    assert review.entry_for(COMMUNITY_ID, "M1") == PackEntry(community_m1, COMMUNITY_ID, "M1", 2)
    assert last_event(app, review.id).pack_number == 2
    assert app.submission(acute_flu).status is SubmissionStatus.PRESENTED

    decisions = [
        (ACUTE_ID, "M1", AssessmentStatus.MET, Decimal(1)),
        (COMMUNITY_ID, "M1", AssessmentStatus.PARTIALLY_MET, Decimal("0.5")),
        (PRIVATE_ID, "M1", AssessmentStatus.NOT_APPLICABLE, None),
        (ACUTE_ID, "FLU", AssessmentStatus.MET, Decimal(1)),
        (COMMUNITY_ID, "FLU", AssessmentStatus.NOT_MET, Decimal(0)),
        (PRIVATE_ID, "FLU", AssessmentStatus.PARTIALLY_MET, Decimal("0.25")),
    ]
    with pytest.raises(StatusDisagreesWithFiguresError):
        app.assess_milestone(COMMISSIONER, scheme_id, Q1, PRIVATE_ID, "FLU", AssessmentStatus.MET, "Looks good")
    for provider_id, code, status, _ in decisions:
        app.assess_milestone(COMMISSIONER, scheme_id, Q1, provider_id, code, status, f"{status.value} on evidence")
    review = app.quarter_review(scheme_id, Q1)
    for provider_id, code, status, earned in decisions:
        assert review.assessment(provider_id, code).status is status
        assert review.assessment(provider_id, code).achievement == earned
    assert review.assessment(ACUTE_ID, "FLU").evidence_assessed == PackEntry(acute_flu, ACUTE_ID, "FLU", 2)

    app.revise_assessment(
        COMMISSIONER,
        scheme_id,
        Q1,
        COMMUNITY_ID,
        "M1",
        AssessmentStatus.MET,
        "The signed-off audit shows full compliance",
        reason="Appeal upheld: the audit covered every ward",
    )
    assert app.quarter_review(scheme_id, Q1).assessment(COMMUNITY_ID, "M1").achievement == Decimal(1)
    appeal = last_event(app, review.id)
    assert type(appeal).__name__ == "AssessmentRevisedOnAppeal"
    assert appeal.previous.status is AssessmentStatus.PARTIALLY_MET

    app.close_quarter(COMMISSIONER, scheme_id, Q1)
    assert app.quarter_review(scheme_id, Q1).status is ReviewStatus.CLOSED

    events_before = event_count(app)
    with pytest.raises(QuarterClosedError):
        app.submit_evidence(PRIVATE, scheme_id, "M1", narrative("Too late."))
    with pytest.raises(QuarterClosedError):
        app.revise_evidence(PRIVATE, private_m1, narrative("Too late."), reason="Found the right file")
    assert event_count(app) == events_before

    recorded = all_events(app)
    assert len(recorded) == events_before
    assert set(ACTED_BY) <= {type(e).__name__ for e in recorded}
    for event in recorded:
        name = type(event).__name__
        assert USERS[event.actor.user_id] == event.actor.organisation_id, name
        if name in ACTED_BY:
            assert event.actor == ACTED_BY[name], name
        elif name in ("EvidenceSubmitted", "EvidenceRevised", "EvidenceWithdrawn"):
            assert event.actor.organisation_id == app.submission(event.originator_id).provider_id, name
        elif name == "Signed":
            assert event.actor.organisation_id == event.organisation_id
    reasons = {type(e).__name__: e.reason for e in recorded if hasattr(e, "reason")}
    assert reasons == {
        "LeadProviderRedesignated": "The acute trust hosts the safeguarding team",
        "EvidenceWithdrawn": "Uploaded last year's audit by mistake",
        "EvidenceRevised": "Bank staff excluded from the denominator",
        "AssessmentRevisedOnAppeal": "Appeal upheld: the audit covered every ward",
    }
    assert [e.reason for e in recorded if type(e).__name__ == "EvidenceRevised"] == [
        "Lead's comments",
        "Bank staff excluded from the denominator",
    ]
