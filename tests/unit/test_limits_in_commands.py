"""Every command refuses input beyond the limits, naming the field, and records nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.domain import Aggregate

from domain.achievement import AssessmentStatus
from domain.actors import Actor, Role
from domain.evidence import Attachment, Evidence, Figures
from domain.limits import InvalidInputError
from domain.milestones import Milestone, NumericMeasure, Quarter, ThresholdBasis
from domain.organisation import Organisation, OrganisationKind
from domain.programme import Programme, ProgrammeScope, ProviderTerms
from domain.scheme import Participant, SchemeTerms
from domain.submission import Submission
from domain.user_account import UserAccount
from tests.builders import ON_TIME, ACUTE, ACUTE_ID, OPERATOR, COMMISSIONER, COMMISSIONER_ID
from tests.builders import COMMUNITY_ID, flu_milestone, narrative, narrative_milestone, terms
from tests.unit.given import RULES, LEAD, LEAD_ID, PROGRAMME_ID, SCHEME_ID, SCOPE
from tests.unit.given import agreed, drafted, presented, presented_review, programme, submitted

NUL = "safety plans\x00audited"
REGISTRAR = OPERATOR  # who registers organisations: the platform operator
ACUTE_ADMIN = Actor("acute.admin", ACUTE_ID, Role.ADMINISTRATOR)
COMMUNITY_ADMIN = Actor("community.admin", COMMUNITY_ID, Role.ADMINISTRATOR)
M1, FLU = narrative_milestone("M1"), flu_milestone()
COUNT = Milestone(
    "FALLS",
    "Falls on the wards",
    Quarter.Q1,
    date(2014, 7, 31),
    measure=NumericMeasure("falls", None, Decimal(0), Decimal(40)),
)


def organisation() -> Organisation:
    registered = Organisation.register(REGISTRAR, "ACUTE", "Torbay Hospital", OrganisationKind.PROVIDER)
    registered.collect_events()
    return registered


def account() -> UserAccount:
    opened = UserAccount.register(
        COMMUNITY_ADMIN, "colin", COMMUNITY_ID, OrganisationKind.PROVIDER, Role.PROVIDER, "hash"
    )
    opened.collect_events()
    return opened


def led_programme() -> Programme:
    result = programme()
    result.add_scheme(COMMISSIONER, SCHEME_ID, "SH")
    result.designate_lead(COMMISSIONER, SCHEME_ID, ACUTE_ID, frozenset({ACUTE_ID, COMMUNITY_ID}))
    result.collect_events()
    return result


def assessed() -> Any:
    review = presented_review(presented())
    review.assess(COMMISSIONER, M1, ACUTE_ID, AssessmentStatus.MET, "audited", narrative(), RULES)
    review.collect_events()
    return review


# (the aggregate a scenario starts from, the command given input beyond a limit, the field it names)
COMMANDS: dict[str, tuple[Callable[[], Aggregate], Callable[[Any], Any], str]] = {
    "rename: name": (organisation, lambda o: o.rename(ACUTE_ADMIN, "Torbay\x07Hospital", "merger"), "name"),
    "rename: reason": (organisation, lambda o: o.rename(ACUTE_ADMIN, "Torbay and South Devon", NUL), "reason"),
    "revise provider terms: reason": (
        programme,
        lambda p: p.revise_provider_terms(COMMISSIONER, ProviderTerms(ACUTE_ID, Decimal(1), Decimal("0.1")), NUL),
        "reason",
    ),
    "re-designate lead: reason": (
        led_programme,
        lambda p: p.designate_lead(
            COMMISSIONER, SCHEME_ID, COMMUNITY_ID, frozenset({ACUTE_ID, COMMUNITY_ID}), "x" * 4001
        ),
        "reason",
    ),
    "amend draft: reason": (drafted, lambda s: s.amend_draft(COMMISSIONER, terms(), SCOPE, NUL), "reason"),
    "amend draft: due date": (
        drafted,
        lambda s: s.amend_draft(COMMISSIONER, terms(M1, _due("M2", date(2015, 4, 1))), SCOPE, "add M2"),
        "milestones.1.due",
    ),
    "propose variation: reason": (
        agreed,
        lambda s: s.propose_variation(COMMISSIONER, terms(), SCOPE, "\ud800"),
        "reason",
    ),
    "propose variation: due date": (
        agreed,
        lambda s: s.propose_variation(COMMISSIONER, terms(_due("M1", date(2014, 3, 31))), SCOPE, "moved"),
        "milestones.0.due",
    ),
    "revise evidence: reason": (submitted, lambda s: s.revise(ACUTE, M1, narrative(), NUL, ON_TIME), "reason"),
    "revise evidence: rate without a denominator": (
        lambda: submitted(FLU, Evidence(figures=Figures(Decimal(70), Decimal(100)))),
        lambda s: s.revise(ACUTE, FLU, Evidence(figures=Figures(Decimal(50))), "a rate of 50", ON_TIME),
        "denominator",
    ),
    "withdraw evidence: reason": (submitted, lambda s: s.withdraw(ACUTE, "x" * 4001), "reason"),
    "accept evidence: comments": (submitted, lambda s: s.accept_by_lead(LEAD, LEAD_ID, NUL), "comments"),
    "return evidence: comments": (submitted, lambda s: s.return_by_lead(LEAD, LEAD_ID, NUL), "comments"),
    "nudge: message": (
        lambda: presented_review(presented()),
        lambda r: r.nudge(LEAD, LEAD_ID, COMMUNITY_ID, "due\x1b[31m now"),
        "message",
    ),
    "query pack: questions": (
        lambda: presented_review(presented()),
        lambda r: r.query(COMMISSIONER, "x" * 20_001),
        "questions",
    ),
    "assess: rationale": (
        lambda: presented_review(presented()),
        lambda r: r.assess(COMMISSIONER, M1, ACUTE_ID, AssessmentStatus.MET, NUL, narrative(), RULES),
        "rationale",
    ),
    "revise assessment on appeal: reason": (
        assessed,
        lambda r: r.revise_on_appeal(
            COMMISSIONER, M1, ACUTE_ID, AssessmentStatus.NOT_MET, "re-audited", narrative(), RULES, NUL
        ),
        "reason",
    ),
    "revise assessment on appeal: rationale": (
        assessed,
        lambda r: r.revise_on_appeal(
            COMMISSIONER, M1, ACUTE_ID, AssessmentStatus.NOT_MET, "x" * 4001, narrative(), RULES, "appeal"
        ),
        "rationale",
    ),
    "disable account: reason": (account, lambda a: a.disable(COMMUNITY_ADMIN, NUL), "reason"),
}


def _due(code: str, due: date) -> Milestone:
    return Milestone(code, f"Milestone {code}", Quarter.Q1, due)


@pytest.mark.parametrize(("given", "when", "field"), COMMANDS.values(), ids=COMMANDS.keys())
def test_a_command_given_input_beyond_a_limit_is_refused_naming_the_field_and_records_nothing(
    given: Callable[[], Aggregate], when: Callable[[Any], Any], field: str
) -> None:
    aggregate = given()

    with pytest.raises(InvalidInputError) as refused:
        when(aggregate)

    assert refused.value.field == field
    assert list(aggregate.collect_events()) == []


# What creates an aggregate, given input beyond a limit, and the field it names.
CREATIONS: dict[str, tuple[Callable[[], Any], str]] = {
    "register organisation: code": (
        lambda: Organisation.register(REGISTRAR, "X" * 33, "Torbay Hospital", OrganisationKind.PROVIDER),
        "code",
    ),
    "register organisation: name": (
        lambda: Organisation.register(REGISTRAR, "ACUTE", "Torbay\nHospital", OrganisationKind.PROVIDER),
        "name",
    ),
    "set up programme: health economy": (
        lambda: Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "T" * 201, 2014),
        "health_economy",
    ),
    "set up programme: schemes per lead": (
        lambda: Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014, schemes_per_lead=101),
        "schemes_per_lead",
    ),
    "provider terms: contract value": (
        lambda: ProviderTerms(ACUTE_ID, Decimal("1E+1000000"), Decimal("0.025")),
        "contract_value",
    ),
    "provider terms: pence and a fraction": (
        lambda: ProviderTerms(ACUTE_ID, Decimal("1000.005"), Decimal("0.025")),
        "contract_value",
    ),
    "provider terms: CQUIN rate": (lambda: ProviderTerms(ACUTE_ID, Decimal(1000), Decimal("NaN")), "cquin_rate"),
    "draft scheme: code": (lambda: drafted(code="SH\tX"), "code"),
    "draft scheme: due date after the contract year": (
        lambda: drafted(terms(_due("M1", date(2015, 4, 30)))),
        "milestones.0.due",
    ),
    "draft scheme: due date before the contract year": (
        lambda: drafted(terms(M1, _due("M2", date(2014, 3, 31)))),
        "milestones.1.due",
    ),
    "scheme terms: title": (lambda: SchemeTerms("T" * 301, (Participant(ACUTE_ID),), ()), "title"),
    "scheme terms: description": (
        lambda: SchemeTerms("Self-harm", (Participant(ACUTE_ID),), (), "x" * 20_001),
        "description",
    ),
    "participant: weight": (lambda: Participant(ACUTE_ID, Decimal(0)), "weight"),
    "participant: huge weight": (lambda: Participant(ACUTE_ID, Decimal("1E+7")), "weight"),
    "milestone: code": (lambda: Milestone("M\x001", "Plan", Quarter.Q1, date(2014, 7, 31)), "code"),
    "milestone: title": (lambda: Milestone("M1", "P" * 301, Quarter.Q1, date(2014, 7, 31)), "title"),
    "milestone: description": (
        lambda: Milestone("M1", "Plan", Quarter.Q1, date(2014, 7, 31), description="\ud83d"),
        "description",
    ),
    "measure: numerator label": (
        lambda: NumericMeasure("n" * 201, "staff", Decimal("0.6"), Decimal("0.8")),
        "numerator",
    ),
    "measure: denominator label": (
        lambda: NumericMeasure("vaccinated", "staff\r\nall", Decimal("0.6"), Decimal("0.8")),
        "denominator",
    ),
    "measure: a rate's threshold as a percentage": (
        lambda: NumericMeasure("vaccinated", "staff", Decimal(60), Decimal(80)),
        "minimum",
    ),
    "measure: a rate's points beyond one": (
        lambda: NumericMeasure(
            "positive", "responding", Decimal(0), Decimal(5), basis=ThresholdBasis.POINTS_FROM_BASELINE
        ),
        "maximum",
    ),
    "measure: a rate's baseline above one": (
        lambda: NumericMeasure(
            "positive",
            "responding",
            Decimal(0),
            Decimal("0.05"),
            basis=ThresholdBasis.POINTS_FROM_BASELINE,
            baseline=Decimal(70),
        ),
        "baseline",
    ),
    "measure: a count's threshold too large": (
        lambda: NumericMeasure("attendances", None, Decimal(0), Decimal("1E+10")),
        "maximum",
    ),
    "evidence: narrative": (lambda: Evidence("x" * 20_001), "narrative"),
    "figures: numerator": (lambda: Figures(Decimal("1E+999999999")), "numerator"),
    "figures: negative numerator": (lambda: Figures(Decimal(-1)), "numerator"),
    "figures: denominator": (lambda: Figures(Decimal(1), Decimal("Infinity")), "denominator"),
    "figures: negative denominator": (lambda: Figures(Decimal(1), Decimal(-5)), "denominator"),
    "attachment: name": (lambda: Attachment("ab" * 32, "audit\x00.pdf", 10, "application/pdf"), "name"),
    "attachment: media type": (lambda: Attachment("ab" * 32, "audit.pdf", 10, "application/pdf\n"), "media_type"),
    "attachment: negative size": (lambda: Attachment("ab" * 32, "audit.pdf", -1, "application/pdf"), "size"),
    "submit: rate without a denominator": (
        lambda: Submission.submit(
            ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, FLU, Evidence(figures=Figures(Decimal(50))), ON_TIME
        ),
        "denominator",
    ),
    "submit: count with a denominator": (
        lambda: Submission.submit(
            ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, COUNT, Evidence(figures=Figures(Decimal(3), Decimal(4))), ON_TIME
        ),
        "denominator",
    ),
    "actor: user id": (lambda: Actor("alice\nbob", ACUTE_ID, Role.PROVIDER), "user_id"),
}


@pytest.mark.parametrize(("when", "field"), CREATIONS.values(), ids=CREATIONS.keys())
def test_a_record_or_value_given_input_beyond_a_limit_is_not_made_and_the_field_is_named(
    when: Callable[[], Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        when()

    assert refused.value.field == field


@pytest.mark.parametrize("due", [date(2014, 4, 1), date(2015, 3, 31)], ids=["1 April", "31 March"])
def test_a_milestone_may_fall_due_on_the_first_or_last_day_of_the_contract_year(due: date) -> None:
    assert drafted(terms(_due("M1", due))).terms.milestones[0].due == due


def test_the_contract_year_is_the_programmes() -> None:
    next_year = ProgrammeScope(SCOPE.provider_ids, 2015)

    with pytest.raises(InvalidInputError) as refused:
        drafted().amend_draft(COMMISSIONER, terms(M1), next_year, "moved to 2015/16")

    assert refused.value.message == "must fall in the contract year, from 1 April 2015 to 31 March 2016"


def test_a_rate_of_fifty_cannot_be_submitted_so_cannot_force_met() -> None:
    with pytest.raises(InvalidInputError) as refused:
        Submission.submit(
            ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, FLU, Evidence(figures=Figures(Decimal(50))), ON_TIME
        )

    assert refused.value.message == "milestone FLU is a rate: give its denominator (frontline staff)"


def test_a_count_is_submitted_without_a_denominator() -> None:
    submission = Submission.submit(
        ACUTE, PROGRAMME_ID, SCHEME_ID, ACUTE_ID, COUNT, Evidence(figures=Figures(Decimal(12))), ON_TIME
    )

    assert submission.evidence().figures == Figures(Decimal(12))


def test_newlines_typed_in_a_browser_are_recorded_as_newlines() -> None:
    submission = submitted()

    submission.revise(ACUTE, M1, Evidence("June:\r\nall audited.\rJuly: half."), "added July\r\n", ON_TIME)

    [revised] = list(submission.collect_events())
    assert (revised.evidence.narrative, revised.reason) == ("June:\nall audited.\nJuly: half.", "added July")
