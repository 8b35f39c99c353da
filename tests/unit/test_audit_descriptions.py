"""The audit trail's plain-English descriptions, from events made by the aggregates themselves (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate

from domain import ids
from domain.payment_rules import as_set_up
from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.milestones import Milestone, Quarter
from domain.organisation import Organisation, OrganisationKind, Sector
from domain.carrying import carried_forward
from domain.payment_rules import published
from domain.programme import Programme, ProgrammeScope, ProviderTerms
from domain.evidence_pack import PackEntry
from domain.quarter_review import QuarterReview
from domain.on_account import YEAR_END, OnAccountBasis
from domain.reminder import Reminder
from domain.statement import Statement
from domain.statements import Settlement
from domain.restatement import Correction
from domain.scheme import Participant, Scheme, SchemeTerms
from domain.submission import Submission
from domain.webhook import WebhookEndpoint, WebhookRoster
from projections.audit.context import Context, KnownOrganisation, created_context, new_terms_context
from projections.audit.describe import DESCRIBERS, Described, describe
from tests.builders import ON_TIME, ACUTE, ACUTE_ID, COMMISSIONER, COMMISSIONER_ID, COMMUNITY
from tests.builders import COMMUNITY_ID, OPERATOR, administrator_of, narrative, narrative_milestone
from tests.unit.given import collected
from domain.application import Corral

AGGREGATES: list[type[Aggregate]] = [
    Organisation,
    Programme,
    Scheme,
    Submission,
    QuarterReview,
    Reminder,
    Statement,
    WebhookEndpoint,
    WebhookRoster,
]
FINANCE = Actor("fiona", COMMISSIONER_ID, Role.FINANCE_APPROVER)
PROGRAMME_ID = ids.programme_id(COMMISSIONER_ID, "Torbay", 2014)
SCHEME_ID = ids.scheme_id(PROGRAMME_ID, "SH")
TITLE = "Reduce self-harm and suicide"
HALF = as_set_up(Decimal("0.5"))
YEAR_CLOSED = Settlement(Decimal(1_875_000), Decimal(1_500_000), Decimal(1_500_000))
Q1_CLOSED = Settlement(Decimal(400_000), Decimal(300_000), Decimal(300_000), (Quarter.Q2, Quarter.Q3, Quarter.Q4))
Q2 = narrative_milestone("Q2", Quarter.Q2)
TARGETED = narrative_milestone("Q2-TARGETED", Quarter.Q2, provider_id=COMMUNITY_ID)


def every_event_class(aggregates: list[type[Aggregate]] = AGGREGATES) -> list[type[Any]]:
    """Each class an `@event` method defines on the aggregates (not the bases it derives from)."""
    return [
        value
        for aggregate in aggregates
        for value in vars(aggregate).values()
        if isinstance(value, type)
        and issubclass(value, aggregate.Event)
        and value not in (aggregate.Event, aggregate.Created)
    ]


@dataclass
class Memory:
    """The names and contexts the view would remember, kept in dicts."""

    organisations: dict[UUID, KnownOrganisation] = field(default_factory=dict)
    contexts: dict[UUID, Context] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)  # the story opens no accounts: no one has a name

    def organisation(self, organisation_id: UUID) -> KnownOrganisation | None:
        return self.organisations.get(organisation_id)

    def context(self, aggregate_id: UUID) -> Context | None:
        return self.contexts.get(aggregate_id)

    def person(self, username: str) -> str:
        return self.people.get(username, "")

    def remember(self, e: Any) -> None:
        name = type(e).__name__
        if name == "Registered":
            self.organisations[e.originator_id] = KnownOrganisation(e.name, e.kind)
        elif name == "Renamed":
            self.organisations[e.originator_id] = KnownOrganisation(e.name, self.organisations[e.originator_id].kind)
        elif name in ("SetUp", "Drafted", "EvidenceSubmitted", "Opened"):
            self.contexts[e.originator_id] = created_context(e)
        elif name in ("DraftAmended", "VariationProposed"):
            self.contexts[e.originator_id] = new_terms_context(self.contexts[e.originator_id], e)

    def describe_all(self, events: list[Any]) -> list[Described]:
        described = []
        for e in events:
            described.append(describe(e, self))
            self.remember(e)
        return described


class Story:
    """A whole year's lifecycle played on the aggregates, every event collected in the order it happened."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    def step(self, aggregate: Aggregate) -> None:
        self.events.extend(aggregate.collect_events())

    def organisations(self) -> None:
        for code, name, kind in (
            ("CCG", "South Devon and Torbay CCG", OrganisationKind.COMMISSIONER),
            ("ACUTE", "Devon Partnership NHS Trust", OrganisationKind.PROVIDER),
            ("COMMUNITY", "Torbay and Southern Devon Health and Care NHS Trust", OrganisationKind.PROVIDER),
        ):
            self.step(Organisation.register(OPERATOR, code, name, kind))

    def programme(self) -> Programme:
        programme = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014)
        for provider_id in (ACUTE_ID, COMMUNITY_ID):
            programme.join(COMMISSIONER, ProviderTerms(provider_id, Decimal("75000000"), Decimal("0.025")))
        programme.revise_provider_terms(
            COMMISSIONER, ProviderTerms(COMMUNITY_ID, Decimal("80000000.5"), Decimal("0.0125")), "contract varied"
        )
        self.step(programme)
        return programme

    def scheme(self, programme: Programme) -> Scheme:
        providers = frozenset({ACUTE_ID, COMMUNITY_ID})
        participants = tuple(Participant(p) for p in sorted(providers, key=str))
        draft = SchemeTerms("Reduce self harm", participants, (Q2,))
        scheme = Scheme.draft(COMMISSIONER, PROGRAMME_ID, COMMISSIONER_ID, ProgrammeScope(providers, 2014), "SH", draft)
        self.step(scheme)
        programme.add_scheme(COMMISSIONER, scheme.id, "SH")
        programme.designate_lead(COMMISSIONER, scheme.id, COMMUNITY_ID, providers)
        programme.designate_lead(COMMISSIONER, scheme.id, ACUTE_ID, providers, "the community trust leads nutrition")
        self.step(programme)
        scheme.amend_draft(
            COMMISSIONER,
            SchemeTerms(TITLE, participants, (Q2, TARGETED)),
            ProgrammeScope(providers, 2014),
            "title agreed",
        )
        for actor in (ACUTE, COMMUNITY, COMMISSIONER):
            scheme.sign(actor, 2, ACUTE_ID)
        scheme.propose_variation(
            COMMISSIONER, SchemeTerms(TITLE, participants, (Q2, TARGETED)), ProgrammeScope(providers, 2014), "typo"
        )
        scheme.sign(COMMUNITY, 3, ACUTE_ID)
        self.step(scheme)
        return scheme

    def quarter(self, scheme: Scheme) -> None:
        submission = Submission.submit(COMMUNITY, PROGRAMME_ID, scheme.id, COMMUNITY_ID, Q2, narrative(), today=ON_TIME)
        submission.revise(COMMUNITY, Q2, narrative("Audit rerun."), "June figures were missing", today=ON_TIME)
        submission.withdraw(COMMUNITY, "wrong file")
        submission.revise(COMMUNITY, Q2, narrative("Audit, third go."), "right file this time", today=ON_TIME)
        submission.accept_by_lead(ACUTE, ACUTE_ID, "Thanks")
        self.step(submission)
        review = QuarterReview.open(ACUTE, PROGRAMME_ID, COMMISSIONER_ID, ACUTE_ID, scheme.id, Quarter.Q2)
        review.nudge(ACUTE, ACUTE_ID, COMMUNITY_ID, "Your targeted milestone is due by 30 October.")
        review.present(ACUTE, ACUTE_ID, (PackEntry(submission.id, COMMUNITY_ID, "Q2", 3),), ("COMMUNITY/Q2-TARGETED",))
        self.step(review)
        submission.include_in_pack(ACUTE, ACUTE_ID, review.id, 1)
        self.step(submission)
        review.query(COMMISSIONER, "Which months does the audit cover?")
        self.step(review)
        submission.return_by_lead(ACUTE, ACUTE_ID, "Please attach the safety-plan audit for July to September.")
        self.step(submission)
        review.assess(COMMISSIONER, TARGETED, COMMUNITY_ID, AssessmentStatus.NOT_APPLICABLE, "Decided.", None, HALF)
        submission.revise(COMMUNITY, Q2, narrative("Audit for July to September."), "audit attached", today=ON_TIME)
        submission.accept_by_lead(ACUTE, ACUTE_ID)
        self.step(submission)
        review.present(ACUTE, ACUTE_ID, (PackEntry(submission.id, COMMUNITY_ID, "Q2", 4),), ())
        self.step(review)
        submission.include_in_pack(ACUTE, ACUTE_ID, review.id, 2)
        self.step(submission)
        review.assess(COMMISSIONER, Q2, COMMUNITY_ID, AssessmentStatus.NOT_MET, "Decided.", narrative(), HALF)
        review.revise_on_appeal(
            COMMISSIONER, Q2, COMMUNITY_ID, AssessmentStatus.NOT_APPLICABLE, "Not due.", None, HALF, "appeal"
        )
        self.deadlines(scheme, review)
        review.close(COMMISSIONER, [])
        corrected = Correction(AssessmentStatus.NOT_MET, "Re-audited.", "the audit was reopened")
        review.restate(COMMISSIONER, Q2, COMMUNITY_ID, corrected, narrative(), HALF, 2014)
        self.step(review)

    def deadlines(self, scheme: Scheme, review: QuarterReview) -> None:
        reminder = Reminder.send(Actor.system("reminders"), PROGRAMME_ID, scheme.id, ACUTE_ID, Q2, Q2.due)
        self.step(reminder)
        waiting = Submission.submit(ACUTE, PROGRAMME_ID, scheme.id, ACUTE_ID, Q2, narrative(), today=Q2.due)
        self.step(waiting)
        entry = PackEntry(waiting.id, ACUTE_ID, "Q2", 1)
        review.call_in(COMMISSIONER, entry, "The lead has not replied", Q2.due + timedelta(days=30), Q2.due)
        self.step(review)
        waiting.call_in(COMMISSIONER, COMMISSIONER_ID, review.id, "The lead has not replied")
        self.step(waiting)

    def payments(self, programme: Programme) -> None:
        basis = OnAccountBasis(Decimal("0.9"), Decimal("50000"))
        programme.set_on_account_basis(COMMISSIONER, basis, "last year's achievement")
        self.step(programme)
        statement = Statement.issue(FINANCE, programme, ACUTE_ID, 1, Q1_CLOSED, None)
        self.step(statement)
        for month in range(2, YEAR_END + 1):  # the rest of the year, every quarter closed at its end
            statement = Statement.issue(FINANCE, programme, ACUTE_ID, month, YEAR_CLOSED, statement)
            self.step(statement)

    def payment_rules(self, programme: Programme) -> None:
        programme.adopt_payment_rules(COMMISSIONER, published("partial-60"), "the ICB's 2015/16 guidance")
        self.step(programme)

    def rename(self) -> None:
        organisation = Organisation.register(
            OPERATOR, "ACUTE", "Devon Partnership NHS Trust", OrganisationKind.PROVIDER, Sector.ACUTE
        )
        organisation.collect_events()
        organisation.rename(administrator_of(ACUTE_ID), "Devon Partnership Trust", "merger")
        organisation.change_sector(administrator_of(ACUTE_ID), Sector.MENTAL_HEALTH, "registered in error as acute")
        organisation.choose_sign_in(administrator_of(ACUTE_ID), password_sign_in=False, match_verified_email=True)
        self.step(organisation)

    def webhooks(self) -> None:
        administrator = administrator_of(COMMUNITY_ID)
        kinds = ["submission.returned", "statement.issued"]
        endpoint = WebhookEndpoint.register(
            administrator, COMMUNITY_ID, OrganisationKind.PROVIDER, "https://hooks.example.nhs.uk/corral", kinds, "EPR"
        )
        endpoint.disable(administrator, "moving the receiver")
        endpoint.enable(administrator)
        endpoint.rotate_secret(administrator)
        self.step(endpoint)
        roster = WebhookRoster.start(administrator, COMMUNITY_ID, [])
        roster.record(administrator, endpoint)
        self.step(roster)

    def next_year(self, programme: Programme, scheme: Scheme) -> None:
        following = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2015, continues=programme.id)
        for terms in programme.providers.values():
            following.join(COMMISSIONER, terms)
        self.step(following)
        terms = carried_forward(scheme.agreed_terms, {}, following.scope.provider_ids)
        carried = Scheme.draft(COMMISSIONER, following.id, COMMISSIONER_ID, following.scope, "SH", terms, scheme.id)
        self.step(carried)
        programme.continue_into(COMMISSIONER, following.id)
        self.step(programme)

    @classmethod
    def told(cls) -> list[Any]:
        story = cls()
        story.organisations()
        programme = story.programme()
        scheme = story.scheme(programme)
        story.quarter(scheme)
        story.payments(programme)
        story.next_year(programme, scheme)
        story.payment_rules(programme)
        story.rename()
        story.webhooks()
        return story.events


@pytest.fixture(scope="module")
def story() -> list[tuple[Any, Described]]:
    events = Story.told()
    return list(zip(events, Memory().describe_all(events), strict=True))


def described_as(story: list[tuple[Any, Described]], event_name: str) -> list[Described]:
    return [d for e, d in story if type(e).__name__ == event_name]


def test_every_event_class_of_every_aggregate_has_its_own_describer() -> None:
    classes = every_event_class(list(Corral.snapshotting_intervals))

    assert len(classes) == 61
    assert [c.__qualname__ for c in classes if c not in DESCRIBERS] == []


def test_the_story_has_one_of_every_event_and_each_names_everyone_involved(
    story: list[tuple[Any, Described]],
) -> None:
    assert {type(e) for e, _ in story} == set(every_event_class())
    for e, described in story:
        assert described.description, type(e).__name__
        assert "organisation " not in described.description, described.description
        assert "scheme " not in described.description, described.description
        assert "UUID" not in described.description and str(COMMUNITY_ID) not in described.description


def test_a_statement_names_who_issued_it_for_whom_and_its_figures(story: list[tuple[Any, Described]]) -> None:
    [basis] = described_as(story, "OnAccountBasisSet")
    issued, *_, year_end = described_as(story, "StatementIssued")

    assert basis.description == (
        "South Devon and Torbay CCG set the payment on account in the Torbay 2014/15 programme: a twelfth of each"
        " provider's CQUIN value a month at 90% expected achievement, statements settling more than £50,000.00 to be issued by a"
        " finance approver"
    )
    assert issued == Described(
        "South Devon and Torbay CCG (finance approver) issued Devon Partnership NHS Trust's payment statement for"
        " April in the Torbay 2014/15 programme: paid on account to date £140,625.00, value in closed quarters"
        " £400,000.00, earned in them £300,000.00 against £360,000.00 expected, an adjustment of £-60,000.00",
        programme_id=PROGRAMME_ID,
        provider_id=ACUTE_ID,
    )
    assert year_end.description == (  # May settled every quarter's shortfall, so nothing is left to true up
        "South Devon and Torbay CCG (finance approver) issued Devon Partnership NHS Trust's payment statement for"
        " the year end in the Torbay 2014/15 programme: paid on account to date £1,687,500.00, earned in the year"
        " £1,500,000.00, a true-up of £0.00"
    )


def test_a_sector_change_names_the_organisation_the_sector_and_why(story: list[tuple[Any, Described]]) -> None:
    [changed] = described_as(story, "SectorChanged")

    assert changed.description == (
        "Administrator admin recorded Devon Partnership Trust's sector as mental health: registered in error as acute"
    )
    assert changed.reason == "registered in error as acute" and changed.provider_id == ACUTE_ID


def test_a_returned_submission_names_the_lead_the_provider_the_scheme_the_revision_and_the_comments(
    story: list[tuple[Any, Described]],
) -> None:
    [returned] = described_as(story, "EvidenceReturnedByLead")

    assert returned == Described(
        "Devon Partnership NHS Trust returned Torbay and Southern Devon Health and Care NHS Trust's Q2 evidence for"
        " 'Reduce self-harm and suicide' (revision 3) with comments:"
        " Please attach the safety-plan audit for July to September.",
        reason="Please attach the safety-plan audit for July to September.",
        programme_id=PROGRAMME_ID,
        scheme_id=SCHEME_ID,
        provider_id=COMMUNITY_ID,
        quarter="Q2",
    )


def test_a_re_designation_names_both_leads_and_carries_its_reason(story: list[tuple[Any, Described]]) -> None:
    [redesignated] = described_as(story, "LeadProviderRedesignated")

    assert redesignated.description == (
        "South Devon and Torbay CCG re-designated the lead of 'Reduce self harm' from Torbay and Southern Devon"
        " Health and Care NHS Trust to Devon Partnership NHS Trust: the community trust leads nutrition"
    )
    assert redesignated.reason == "the community trust leads nutrition"
    assert (redesignated.programme_id, redesignated.scheme_id, redesignated.provider_id) == (
        PROGRAMME_ID,
        SCHEME_ID,
        ACUTE_ID,
    )


def test_a_scheme_is_named_as_it_was_titled_at_the_time(story: list[tuple[Any, Described]]) -> None:
    [amended] = described_as(story, "DraftAmended")
    signed = described_as(story, "Signed")

    assert amended.description == (
        "South Devon and Torbay CCG amended the draft of 'Reduce self harm' to terms version 2,"
        " now titled 'Reduce self-harm and suicide': title agreed"
    )
    assert signed[0].description == "Devon Partnership NHS Trust signed version 2 of 'Reduce self-harm and suicide'"
    assert signed[0].provider_id == ACUTE_ID
    assert signed[2].provider_id is None  # the commissioner signs for itself, not for a provider


def test_assessments_use_the_domain_words_for_their_status(story: list[tuple[Any, Described]]) -> None:
    not_applicable, not_met = described_as(story, "MilestoneAssessed")
    [appeal] = described_as(story, "AssessmentRevisedOnAppeal")

    assert not_applicable.description == (
        "South Devon and Torbay CCG assessed Torbay and Southern Devon Health and Care NHS Trust's Q2 milestone"
        " Q2-TARGETED for 'Reduce self-harm and suicide' as N/A: Decided."
    )
    assert " as Not Met on evidence revision 4: Decided." in not_met.description
    assert appeal.description == (
        "South Devon and Torbay CCG revised on appeal the assessment of Torbay and Southern Devon Health and Care"
        " NHS Trust's Q2 milestone for 'Reduce self-harm and suicide' from Not Met to N/A on evidence revision 4:"
        " appeal (rationale: Not due.)"
    )
    assert appeal.reason == "appeal"
    assert {d.provider_id for d in (not_applicable, not_met, appeal)} == {COMMUNITY_ID}


def test_money_is_shown_to_the_penny_and_the_cquin_rate_as_a_percentage(story: list[tuple[Any, Described]]) -> None:
    [revised] = described_as(story, "ProviderTermsRevised")

    assert revised.description == (
        "South Devon and Torbay CCG revised Torbay and Southern Devon Health and Care NHS Trust's terms in the"
        " Torbay 2014/15 programme to contract value £80,000,000.50, CQUIN rate 1.25%: contract varied"
    )
    assert revised.reason == "contract varied"


def test_the_provider_speaks_of_its_own_evidence_and_the_lead_of_the_providers(
    story: list[tuple[Any, Described]],
) -> None:
    submitted, _ = described_as(story, "EvidenceSubmitted")
    accepted = described_as(story, "EvidenceAcceptedByLead")[0]
    [nudged] = described_as(story, "ProviderNudgedByLead")

    assert submitted.description == (
        "Torbay and Southern Devon Health and Care NHS Trust submitted its Q2 evidence for"
        " 'Reduce self-harm and suicide' (revision 1)"
    )
    assert accepted.description.endswith("(revision 3) into the evidence pack with the comment: Thanks")
    assert nudged.description == (
        "Devon Partnership NHS Trust nudged Torbay and Southern Devon Health and Care NHS Trust for its Q2 evidence"
        " for 'Reduce self-harm and suicide': Your targeted milestone is due by 30 October."
    )
    assert (nudged.provider_id, nudged.quarter) == (COMMUNITY_ID, "Q2")


def test_a_rename_names_the_organisation_by_its_old_name_and_says_why(story: list[tuple[Any, Described]]) -> None:
    [renamed] = described_as(story, "Renamed")

    assert renamed == Described(
        "Administrator admin renamed Devon Partnership NHS Trust to Devon Partnership Trust: merger",
        reason="merger",
        provider_id=ACUTE_ID,
    )


def test_an_organisation_or_scheme_the_trail_never_saw_is_named_by_its_id() -> None:
    submission = Submission.submit(
        COMMUNITY, PROGRAMME_ID, SCHEME_ID, COMMUNITY_ID, TARGETED, narrative(), today=ON_TIME
    )
    submission.accept_by_lead(ACUTE, ACUTE_ID)
    [submitted, accepted] = collected(submission)

    described = describe(accepted, Memory(contexts={submission.id: created_context(submitted)}))

    assert described.description == (
        f"alice accepted organisation {COMMUNITY_ID}'s Q2 evidence for scheme {SCHEME_ID}"
        " (milestone Q2-TARGETED, revision 1) into the evidence pack"
    )
    assert described.reason is None


def test_an_event_type_without_a_describer_still_gets_a_plain_line() -> None:
    @dataclass(frozen=True)
    class Unforeseen:
        originator_id: UUID
        originator_version: int
        timestamp: datetime
        actor: Actor

    described = describe(Unforeseen(SCHEME_ID, 1, datetime.now(UTC), COMMISSIONER), Memory())

    assert described == Described("gill recorded Unforeseen")


def test_a_milestone_with_a_quarter_code_is_not_named_twice() -> None:
    milestone = Milestone("Q1", "Baseline", Quarter.Q1, narrative_milestone().due)
    submission = Submission.submit(ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, milestone, narrative(), today=ON_TIME)
    [submitted] = collected(submission)

    assert (
        describe(submitted, Memory()).description
        == f"alice submitted its Q1 evidence for scheme {SCHEME_ID} (revision 1)"
    )


def test_a_reminder_and_a_call_in_name_the_provider_the_milestone_and_the_reason(
    story: list[tuple[Any, Described]],
) -> None:
    [reminded] = described_as(story, "Sent")
    [called_in] = described_as(story, "SubmissionCalledIn")

    assert reminded.description == (
        "Corral reminded Devon Partnership NHS Trust that Devon Partnership NHS Trust's Q2 milestone for"
        " 'Reduce self-harm and suicide' is due on 31 July 2014"
    )
    assert called_in.description == (
        "South Devon and Torbay CCG called in Devon Partnership NHS Trust's Q2 milestone for 'Reduce self-harm and"
        " suicide' (revision 1) past the lead, because: The lead has not replied"
    )
    assert (called_in.provider_id, called_in.reason) == (ACUTE_ID, "The lead has not replied")


def test_next_year_names_the_programme_and_the_scheme_it_continues(story: list[tuple[Any, Described]]) -> None:
    set_up = described_as(story, "SetUp")[-1].description
    [drafted] = [d.description for d in described_as(story, "Drafted") if "continues" in d.description]
    [continued] = described_as(story, "Continued")

    assert set_up.endswith("; it continues the Torbay 2014/15 programme")
    assert drafted.endswith(f"; it continues '{TITLE}' of last year")
    assert continued.description == (
        "South Devon and Torbay CCG continued the Torbay 2014/15 programme into the Torbay 2015/16 programme,"
        " its schemes carried forward as drafts"
    )


def test_a_webhook_s_address_is_told_without_its_query_where_a_receiver_may_take_a_token() -> None:
    endpoint = WebhookEndpoint.register(
        administrator_of(COMMUNITY_ID),
        COMMUNITY_ID,
        OrganisationKind.PROVIDER,
        "https://hooks.example.nhs.uk/corral?token=s3cret#top",
        ["statement.issued"],
        "EPR",
    )
    [registered] = collected(endpoint)

    described = describe(registered, Memory()).description

    assert "at https://hooks.example.nhs.uk/corral for" in described and "s3cret" not in described
