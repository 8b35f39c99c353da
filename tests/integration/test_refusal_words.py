"""Every refusal a person can meet reads as plain English: a sentence, organisations named rather than ids, shares
as percentages. Each rule is broken for real, and its problem is made the way the API and the pages make it."""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from uuid import UUID, uuid4

import pytest

from api.http.errors import domain_problem, organisation_names
from api.http.passwords import chosen_password_hash
from api.http.scopes import require_route_scope
from api.http.security import read_token
from api.http.sign_in import ThrottledError
from api.live.limits import LiveLimits
from api.live.topics import authorise
from api.live.waits import Waits
from api.storage.attachments import AttachmentStore
from domain.achievement import AssessmentStatus
from domain.actors import Role
from domain.application import Corral
from domain.clock import FixedClock
from domain.errors import DomainError
from domain.evidence import Attachment, Evidence, Figures
from domain.milestones import Milestone, NumericMeasure, Quarter
from domain.organisation import OrganisationKind
from domain.programme import ProviderTerms
from domain.on_account import OnAccountBasis
from domain.restatement import Correction
from domain.scheme import Participant, SchemeTerms
from domain.signing_in import Claimed
from domain.statements import Settlement
from tests.e2e.serving import run
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY, COMMUNITY_ID, OPERATOR, PRIVATE, PRIVATE_ID
from tests.builders import administrator_of
from tests.builders import ae_reduction, figures, flu_milestone, narrative, narrative_milestone, terms
from tests.integration.given import accepted, agreed_scheme, drafted_with_lead, flu_closed, presented
from tests.integration.given import programme_set_up
from tests.integration.given import provider_terms

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
FOUR_PLACES = re.compile(r"\d\.\d{4}")
Q1, MET = Quarter.Q1, AssessmentStatus.MET
SCENARIOS: dict[str, Callable[[Corral], object]] = {}


def breaks(rule: str) -> Callable[[Callable[[Corral], object]], Callable[[Corral], object]]:
    """Register the decorated scenario as the one that breaks `rule`."""

    def register(scenario: Callable[[Corral], object]) -> Callable[[Corral], object]:
        SCENARIOS[rule] = scenario
        return scenario

    return register


def scheme(app: Corral, *milestones: Milestone) -> UUID:
    return agreed_scheme(app, *milestones).scheme_id


def draft(app: Corral) -> UUID:
    return drafted_with_lead(app, programme_set_up(app))


def submitted(app: Corral) -> UUID:
    return app.submit_evidence(COMMUNITY, scheme(app), "M1", narrative()).id


def with_pack(app: Corral) -> UUID:
    scheme_id = scheme(app)
    presented(app, scheme_id, (COMMUNITY, "M1", narrative()))
    return scheme_id


def in_pack(app: Corral) -> UUID:
    return presented(app, scheme(app), (COMMUNITY, "M1", narrative()))[(COMMUNITY_ID, "M1")]


@breaks("AccountDisabled")
def _(app: Corral) -> object:
    programme_set_up(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash")
    app.disable_user(OPERATOR, "colin", "Left the trust.")
    return app.user_account("colin").as_actor()


@breaks("ClientRole")
def _(app: Corral) -> object:
    programme_set_up(app)
    return app.register_api_client(
        administrator_of(COMMUNITY_ID), "a" * 24, "Feed", Role.ADMINISTRATOR, ("progress:read",), "hash"
    )


@breaks("UnknownScope")
def _(app: Corral) -> object:
    programme_set_up(app)
    return app.register_api_client(administrator_of(COMMUNITY_ID), "a" * 24, "Feed", Role.PROVIDER, ("all",), "hash")


@breaks("ClientRevoked")
def _(app: Corral) -> object:
    programme_set_up(app)
    admin = administrator_of(COMMUNITY_ID)
    app.register_api_client(admin, "a" * 24, "Feed", Role.PROVIDER, ("progress:read",), "hash")
    app.revoke_api_client(admin, "a" * 24, "Replaced.")
    return app.api_client("a" * 24).as_actor()


@breaks("ScopeMissing")
def _(app: Corral) -> object:
    return require_route_scope(frozenset({"progress:read"}), "POST", "/api/v1/attachments")


@breaks("AccountNotDisabled")
def _(app: Corral) -> object:
    programme_set_up(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash")
    return app.enable_user(OPERATOR, "colin", "Back from leave.")


@breaks("GrantsForAuditors")
def _(app: Corral) -> object:
    programme_id = programme_set_up(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash")
    return app.grant_programme(OPERATOR, "colin", programme_id)


@breaks("NotGranted")
def _(app: Corral) -> object:
    programme_id = programme_set_up(app)
    app.register_user(OPERATOR, "cass", COMMUNITY_ID, Role.AUDITOR, "hash")
    return app.withdraw_grant(OPERATOR, "cass", programme_id, "The audit is over.")


@breaks("RoleUnchanged")
def _(app: Corral) -> object:
    programme_set_up(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash")
    return app.change_role(OPERATOR, "colin", Role.PROVIDER, "Promoted.")


@breaks("SetPasswordLink")
def _(app: Corral) -> object:
    programme_set_up(app)
    return app.set_password_by_link("nobody", "0" * 64, "hash", datetime(2026, 12, 3, tzinfo=UTC))


@breaks("AlreadyAssessed")
def _(app: Corral) -> object:
    scheme_id = with_pack(app)
    app.assess_milestone(COMMISSIONER, scheme_id, Q1, COMMUNITY_ID, "M1", MET, "Shown.")
    return app.assess_milestone(COMMISSIONER, scheme_id, Q1, COMMUNITY_ID, "M1", MET, "Again.")


@breaks("AlreadyBeforeCommissioner")
def _(app: Corral) -> object:
    submission_id = in_pack(app)
    scheme_id = app.submission(submission_id).scheme_id
    return app.call_in_evidence(COMMISSIONER, scheme_id, Q1, submission_id, "The lead is silent.")


@breaks("AlreadyExists")
def _(app: Corral) -> object:
    programme_set_up(app)
    return app.register_organisation(OPERATOR, "CCG", "South Devon and Torbay CCG", OrganisationKind.COMMISSIONER)


@breaks("AlreadyLead")
def _(app: Corral) -> object:
    return app.designate_lead(COMMISSIONER, scheme(app), ACUTE_ID)


@breaks("AlreadySigned")
def _(app: Corral) -> object:
    scheme_id = draft(app)
    app.sign_scheme(ACUTE, scheme_id, 1)
    return app.sign_scheme(ACUTE, scheme_id, 1)


@breaks("ExclusionReasonMissing")
def _(app: Corral) -> object:
    return app.draft_scheme(COMMISSIONER, programme_set_up(app), "SH", replace(terms(), exclusions=()))


@breaks("LeadNotDesignated")
def _(app: Corral) -> object:
    scheme_id = app.draft_scheme(COMMISSIONER, programme_set_up(app), "SH", terms()).id
    return app.sign_scheme(ACUTE, scheme_id, 1)


@breaks("AttachmentNotUploaded")
def _(app: Corral) -> object:
    named = Evidence("", None, (Attachment("a" * 64, "audit.pdf", 10, "application/pdf"),))
    return app.submit_evidence(COMMUNITY, scheme(app), "M1", named)


@breaks("AttachmentRefused")
def _(app: Corral) -> object:
    with TemporaryDirectory() as folder:
        return AttachmentStore(Path(folder), 10).keep(io.BytesIO(b"x" * 11), "audit.txt")


@breaks("BaselineMissing")
def _(app: Corral) -> object:
    measured = Milestone("AE", "A&E attendances", Q1, date(2014, 7, 31), measure=ae_reduction())
    scheme_id = drafted_with_lead(app, programme_set_up(app), terms(measured))
    return app.sign_scheme(ACUTE, scheme_id, 1)


@breaks("CommentsRequired")
def _(app: Corral) -> object:
    return app.return_evidence(ACUTE, submitted(app), "  ")


@breaks("ConcurrentChange")
def _(app: Corral) -> object:
    submission_id = submitted(app)
    stale = app.submission(submission_id)
    app.withdraw_evidence(COMMUNITY, submission_id, "Wrong file.")
    stale.accept_by_lead(ACUTE, ACUTE_ID, "")
    return app._save(stale)


@breaks("EmptyPack")
def _(app: Corral) -> object:
    return app.present_pack(ACUTE, scheme(app), Q1)


@breaks("EvidenceNotInPack")
def _(app: Corral) -> object:
    scheme_id = scheme(app)
    presented(app, scheme_id, (ACUTE, "M1", narrative()))
    return app.assess_milestone(COMMISSIONER, scheme_id, Q1, COMMUNITY_ID, "M1", MET, "Shown.")


@breaks("FiguresRequired")
def _(app: Corral) -> object:
    return app.submit_evidence(COMMUNITY, scheme(app, flu_milestone()), "FLU", narrative())


@breaks("InvalidEvidence")
def _(app: Corral) -> object:
    return app.submit_evidence(COMMUNITY, scheme(app), "M1", Evidence(""))


@breaks("InvalidInput")
def _(app: Corral) -> object:
    return app.submit_evidence(COMMUNITY, scheme(app), "M1", narrative("a\x00b"))


@breaks("InvalidMilestone")
def _(app: Corral) -> object:
    return NumericMeasure("staff", None, Decimal("0.8"), Decimal("0.6"))


@breaks("InvalidOrganisation")
def _(app: Corral) -> object:
    return app.register_organisation(OPERATOR, "X", " ", OrganisationKind.PROVIDER)


@breaks("InvalidProgramme")
def _(app: Corral) -> object:
    programme_set_up(app)
    return app.set_up_programme(COMMISSIONER, " ", 2015)


@breaks("InvalidTerms")
def _(app: Corral) -> object:
    return app.draft_scheme(COMMISSIONER, programme_set_up(app), "SH", SchemeTerms(" ", (Participant(ACUTE_ID),), ()))


@breaks("InvalidUsername")
def _(app: Corral) -> object:
    programme_set_up(app)
    return app.register_user(OPERATOR, "Colin Hart!", COMMUNITY_ID, Role.PROVIDER, "hash")


@breaks("LeadLimitExceeded")
def _(app: Corral) -> object:
    programme_id = app.scheme(scheme(app)).programme_id
    second = app.draft_scheme(COMMISSIONER, programme_id, "NUT", terms()).id
    return app.designate_lead(COMMISSIONER, second, ACUTE_ID)


@breaks("LeadNotParticipant")
def _(app: Corral) -> object:
    return app.designate_lead(COMMISSIONER, draft(app), PRIVATE_ID)


@breaks("MilestoneNotApplicable")
def _(app: Corral) -> object:
    targeted = narrative_milestone("T1", provider_id=ACUTE_ID)
    return app.submit_evidence(COMMUNITY, scheme(app, targeted), "T1", narrative())


@breaks("NotAParticipant")
def _(app: Corral) -> object:
    return app.submit_evidence(PRIVATE, scheme(app), "M1", narrative())


@breaks("NotAccepted")
def _(app: Corral) -> object:
    return app.submission(submitted(app)).include_in_pack(ACUTE, ACUTE_ID, uuid4(), 1)


@breaks("NotAssessed")
def _(app: Corral) -> object:
    return app.revise_assessment(COMMISSIONER, with_pack(app), Q1, COMMUNITY_ID, "M1", MET, "Shown.", "Appeal.")


@breaks("NotAwaitingReview")
def _(app: Corral) -> object:
    return app.accept_evidence(ACUTE, accepted(app, scheme(app), COMMUNITY, "M1"))


@breaks("NotFound")
def _(app: Corral) -> object:
    return app.withdraw_evidence(COMMUNITY, uuid4(), "Wrong file.")


@breaks("NotPermitted")
def _(app: Corral) -> object:
    return app.designate_lead(ACUTE, scheme(app), COMMUNITY_ID)


@breaks("NothingToSign")
def _(app: Corral) -> object:
    return app.sign_scheme(ACUTE, scheme(app), 1)


@breaks("PackAlreadyPresented")
def _(app: Corral) -> object:
    return app.present_pack(ACUTE, with_pack(app), Q1)


@breaks("PackNotPresented")
def _(app: Corral) -> object:
    scheme_id = scheme(app)
    app.nudge_provider(ACUTE, scheme_id, Q1, COMMUNITY_ID, "M1 is due.")
    return app.query_pack(COMMISSIONER, scheme_id, Q1, "Which months?")


@breaks("PackNotOverdue")
def _(app: Corral) -> object:
    submission_id = submitted(app)
    app.clock = FixedClock(date(2014, 7, 1))  # the pack is not due until August
    scheme_id = app.submission(submission_id).scheme_id
    return app.call_in_evidence(COMMISSIONER, scheme_id, Q1, submission_id, "The lead is silent.")


@breaks("PackNotQueried")
def _(app: Corral) -> object:
    return app.return_evidence(ACUTE, in_pack(app), "Attach more.")


@breaks("ProviderAlreadyJoined")
def _(app: Corral) -> object:
    return app.join_programme(COMMISSIONER, programme_set_up(app), provider_terms(ACUTE_ID))


@breaks("ProviderNotInProgramme")
def _(app: Corral) -> object:
    varied = ProviderTerms(PRIVATE_ID, Decimal(1000), Decimal("0.01"))
    return app.revise_provider_terms(COMMISSIONER, programme_set_up(app, ACUTE_ID), varied, "Varied.")


@breaks("QuarterClosed")
def _(app: Corral) -> object:
    scheme_id = agreed_scheme(app, participants=(ACUTE_ID,)).scheme_id
    presented(app, scheme_id, (ACUTE, "M1", narrative()))
    app.assess_milestone(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "M1", MET, "Shown.")
    app.close_quarter(COMMISSIONER, scheme_id, Q1)
    return app.query_pack(COMMISSIONER, scheme_id, Q1, "Which months?")


VALIDATED = Correction(MET, "Validated.", "The audit found more.", Figures(Decimal(80), Decimal(100)))


@breaks("QuarterNotClosed")
def _(app: Corral) -> object:
    return app.restate_assessment(COMMISSIONER, flu_closed(app, close=False), Q1, ACUTE_ID, "FLU", VALIDATED)


@breaks("EffectiveDateOutsideQuarter")
def _(app: Corral) -> object:
    correction = replace(VALIDATED, effective_on=date(2014, 7, 1))
    return app.restate_assessment(COMMISSIONER, flu_closed(app), Q1, ACUTE_ID, "FLU", correction)


@breaks("RationaleRequired")
def _(app: Corral) -> object:
    return app.assess_milestone(COMMISSIONER, with_pack(app), Q1, COMMUNITY_ID, "M1", MET, " ")


@breaks("ReasonRequired")
def _(app: Corral) -> object:
    return app.withdraw_evidence(COMMUNITY, submitted(app), " ")


@breaks("RoleNotForOrganisation")
def _(app: Corral) -> object:
    programme_set_up(app)
    return app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.COMMISSIONER, "hash")


@breaks("SchemeAlreadyAgreed")
def _(app: Corral) -> object:
    return app.amend_draft(COMMISSIONER, scheme(app), terms(), "Typo.")


@breaks("SchemeNotAgreed")
def _(app: Corral) -> object:
    return app.propose_variation(COMMISSIONER, draft(app), terms(), "Typo.")


@breaks("SignIn")
def _(app: Corral) -> object:
    return read_token("not a token", "k" * 48)


@breaks("StaleTerms")
def _(app: Corral) -> object:
    return app.sign_scheme(ACUTE, draft(app), 2)


@breaks("ProgrammeAlreadyContinued")
def _(app: Corral) -> object:
    programme_id = programme_set_up(app)
    app.continue_programme(COMMISSIONER, programme_id)
    return app.continue_programme(COMMISSIONER, programme_id, health_economy="Torbay")


@breaks("StaleVersion")
def _(app: Corral) -> object:
    return app.withdraw_evidence(COMMUNITY, submitted(app), "Wrong file.", expected_version=7)


@breaks("StatusDisagreesWithFigures")
def _(app: Corral) -> object:
    scheme_id = scheme(app, flu_milestone())
    presented(app, scheme_id, (COMMUNITY, "FLU", figures(70, 100)))
    return app.assess_milestone(COMMISSIONER, scheme_id, Q1, COMMUNITY_ID, "FLU", MET, "The figures say so.")


@breaks("NothingToOverride")
def _(app: Corral) -> object:
    scheme_id = scheme(app, flu_milestone())
    presented(app, scheme_id, (COMMUNITY, "FLU", figures(70, 100)))
    partly = AssessmentStatus.PARTIALLY_MET
    return app.assess_milestone(
        COMMISSIONER, scheme_id, Q1, COMMUNITY_ID, "FLU", partly, "Half way.", override_reason="Not validated."
    )


@breaks("SubmissionLocked")
def _(app: Corral) -> object:
    return app.revise_evidence(COMMUNITY, in_pack(app), narrative(), "More.")


@breaks("SubmissionWithdrawn")
def _(app: Corral) -> object:
    submission_id = submitted(app)
    app.withdraw_evidence(COMMUNITY, submission_id, "Wrong file.")
    return app.withdraw_evidence(COMMUNITY, submission_id, "Wrong file.")


@breaks("Throttled")
def _(app: Corral) -> object:
    raise ThrottledError("for this username", 60)  # as api/http/sign_in.py's ledger raises it, past its count


@breaks("TooManySockets")
def _(app: Corral) -> object:
    return LiveLimits(sockets_per_account=2).admit("colin", 2)


@breaks("PositionBeyondLog")
def _(app: Corral) -> object:
    return run(Waits(app.recorder.max_notification_id).reached(10**9, timeout=1.0))


@breaks("UnknownTopic")
def _(app: Corral) -> object:
    return authorise(None, COMMISSIONER, "weather:today")  # type: ignore[arg-type]  # an unknown kind reads nothing


@breaks("UnassessedMilestones")
def _(app: Corral) -> object:
    scheme_id = scheme(app, narrative_milestone("M1"), narrative_milestone("M2"))
    presented(app, scheme_id, (COMMUNITY, "M1", narrative()), (ACUTE, "M1", narrative()))
    app.assess_milestone(COMMISSIONER, scheme_id, Q1, ACUTE_ID, "M1", MET, "Shown.")
    return app.close_quarter(COMMISSIONER, scheme_id, Q1)


@breaks("WeakPassword")
def _(app: Corral) -> object:
    return chosen_password_hash("password1234", "colin", "Devon Community Care Trust", 3)


@breaks("WrongKindOfOrganisation")
def _(app: Corral) -> object:
    programme_id = programme_set_up(app, ACUTE_ID)
    return app.join_programme(COMMISSIONER, programme_id, provider_terms(app.programme(programme_id).commissioner_id))


CIS2 = "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc"


@breaks("SignInUnchanged")
def _(app: Corral) -> object:
    programme_set_up(app)
    return app.choose_sign_in(OPERATOR, COMMUNITY_ID, password_sign_in=True, match_verified_email=False)


@breaks("PasswordSignInOff")
def _(app: Corral) -> object:
    programme_set_up(app)
    app.choose_sign_in(OPERATOR, COMMUNITY_ID, password_sign_in=False, match_verified_email=False)
    return app.require_password_sign_in(COMMUNITY)


@breaks("UnknownIdentity")
def _(app: Corral) -> object:
    return app.sign_in_with_identity(Claimed(CIS2, "5551234", "NHS CIS2", "colin@example.nhs.uk"), lambda o, e: [])


@breaks("IdentityLinkedAlready")
def _(app: Corral) -> object:
    programme_set_up(app)
    app.register_user(OPERATOR, "colin", COMMUNITY_ID, Role.PROVIDER, "hash")
    app.register_user(OPERATOR, "carol", COMMUNITY_ID, Role.PROVIDER, "hash")
    app.link_identity(OPERATOR, "colin", CIS2, "5551234", "NHS CIS2")
    return app.link_identity(OPERATOR, "carol", CIS2, "5551234", "NHS CIS2")


def _errors(kind: type[DomainError]) -> set[type[DomainError]]:
    """Every subclass of `kind` in the code, whichever modules this run happens to have imported."""
    for package in ("domain", "projections", "api", "web"):
        for module in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
            importlib.import_module(module.name)
    return _subclasses(kind)


def _subclasses(kind: type[DomainError]) -> set[type[DomainError]]:
    return {error for sub in kind.__subclasses__() for error in (sub, *_subclasses(sub))}


def on_account(app: Corral, threshold: str = "1000000") -> UUID:
    """An agreed scheme's programme, paid on account at 80% expected achievement."""
    programme_id = agreed_scheme(app).programme_id
    basis = OnAccountBasis(Decimal("0.8"), Decimal(threshold))
    app.set_on_account_basis(COMMISSIONER, programme_id, basis, "Last year's achievement.")
    return programme_id


@breaks("NoOnAccountBasis")
def _(app: Corral) -> object:
    return app.issue_statement(COMMISSIONER, agreed_scheme(app).programme_id, ACUTE_ID, 1, Settlement())


@breaks("StatementAlreadyIssued")
def _(app: Corral) -> object:
    programme_id = on_account(app)
    app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, Settlement())
    return app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 1, Settlement())


@breaks("StatementOutOfTurn")
def _(app: Corral) -> object:
    return app.issue_statement(COMMISSIONER, on_account(app), ACUTE_ID, 2, Settlement())


@breaks("StatementNeedsApproval")
def _(app: Corral) -> object:
    q1_met = Settlement(Decimal(1000), Decimal(1000), Decimal(1000), (Quarter.Q2, Quarter.Q3, Quarter.Q4))
    return app.issue_statement(COMMISSIONER, on_account(app, threshold="100"), ACUTE_ID, 1, q1_met)


@breaks("YearStillOpen")
def _(app: Corral) -> object:
    programme_id = on_account(app)
    for month in range(1, 13):
        app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, month, Settlement())
    return app.issue_statement(COMMISSIONER, programme_id, ACUTE_ID, 13, Settlement(open_quarters=(Quarter.Q4,)))


@breaks("RulesAlreadyAdopted")
def _(app: Corral) -> object:
    return app.adopt_payment_rules(COMMISSIONER, agreed_scheme(app).programme_id, "standard-1", "The ICB's guidance.")


@breaks("UnknownRules")
def _(app: Corral) -> object:
    return app.adopt_payment_rules(COMMISSIONER, agreed_scheme(app).programme_id, "2099", "The ICB's guidance.")


def test_every_rule_of_the_domain_and_the_api_has_a_scenario_here_that_breaks_it() -> None:
    assert sorted({e.rule() for e in _errors(DomainError)}) == sorted(SCENARIOS)


@pytest.mark.parametrize("rule", sorted(SCENARIOS))
def test_each_refusal_is_a_sentence_with_no_id_and_no_share_to_four_places(rule: str, app: Corral) -> None:
    with pytest.raises(DomainError) as raised:
        SCENARIOS[rule](app)
    problem = json.loads(bytes(domain_problem(raised.value, organisation_names(app)).body))

    assert raised.value.rule() == rule
    detail = problem["detail"]
    assert detail[:1].isupper(), detail
    assert not UUID_TEXT.search(detail), detail
    assert not FOUR_PLACES.search(detail), detail


def test_a_quarter_that_cannot_close_names_the_quarter_each_provider_and_its_milestones(app: Corral) -> None:
    with pytest.raises(DomainError) as raised:
        SCENARIOS["UnassessedMilestones"](app)

    problem = json.loads(bytes(domain_problem(raised.value, organisation_names(app)).body))

    assert problem["detail"] == (
        "Q1: Devon Community Care Trust has no assessment for milestones M1, M2; Torbay Acute Trust has no"
        " assessment for milestone M2"
    )


def test_figures_that_disagree_with_a_status_give_their_share_as_a_percentage(app: Corral) -> None:
    with pytest.raises(DomainError) as raised:
        SCENARIOS["StatusDisagreesWithFigures"](app)

    assert str(raised.value) == (
        "the figures give 50%, which is Partially Met, not Met; to depart from the share the figures give,"
        " record your reason, such as figures that were not validated"
    )
