"""Generated text and decimals, through every use case that takes them: each input is either refused with a domain
error, recording nothing, or accepted, and then every view applies it and rebuilding the views changes nothing.

One set of records per database serves every command family; each family's examples run in turn against it, and
the views are verified once the family's examples are done."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.storage.wiring import build_application, build_views
from domain import ids
from domain.achievement import AssessmentStatus
from domain.application import Corral
from domain.errors import DomainError
from domain.evidence import Attachment, Evidence, Figures
from domain.actors import Role
from domain.milestones import Milestone, NumericMeasure, Quarter
from domain.organisation import OrganisationKind
from domain.programme import ProviderTerms
from domain.quarter_review import ReviewStatus
from domain.scheme import Participant, SchemeTerms
from domain.scheme_terms import Exclusion
from domain.submission import SubmissionStatus
from projections.database import ViewDatabase
from projections.maintenance import verify
from projections.runner import catch_up
from tests.builders import ACUTE, ACUTE_ID, ADMIN, OPERATOR, COMMISSIONER
from tests.builders import COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID, PRIVATE_ID, narrative_milestone
from tests.conftest import DATABASES, empty_store
from tests.integration.generated import DECIMAL, FRACTION, PLAIN, POUNDS, TERMS
from tests.integration.generated import TEXT, evidence_inputs, one_wild, terms_of
from tests.integration.given import organisations_registered

REGISTRAR = OPERATOR  # who registers organisations: the platform operator
EXAMPLES = settings(max_examples=25, deadline=None, database=None)
MEASURE = NumericMeasure("staff vaccinated", "frontline staff", Decimal("0.60"), Decimal("0.80"))
COUNT = NumericMeasure("falls", None, Decimal(0), Decimal(40))
LEFT_OUT = (Exclusion(PRIVATE_ID, "Not relevant to its NHS patients."),)
AUDIT = Attachment("ab" * 32, "audit.pdf", 2048, "application/pdf")


@dataclass
class World:
    """The records every family acts on, and the views that must keep up with them."""

    app: Corral
    database: ViewDatabase
    projections: list[Any]
    programme_id: UUID
    evidence_scheme: UUID  # agreed; ACUTE leads; narrative M1, rate FLU, count FALLS and a milestone per review step
    review_scheme: UUID  # agreed; its Q1 pack presented; COMMUNITY's M1 assessed as N/A
    draft_scheme: UUID
    counter: Iterator[int]

    @property
    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def attempt(self, prepare: Callable[[], Any], act: Callable[[], Any]) -> None:
        """Prepare with valid steps, then act on generated input: refused with nothing recorded, or accepted and
        applied by every view."""
        prepare()
        head = self.head
        try:
            act()
        except DomainError:
            assert self.head == head, "a refused command recorded something"
            return
        catch_up(self.app, self.projections)

    def submission(self, code: str, provider: Any = COMMUNITY) -> UUID:
        """This provider's submission for an evidence milestone, submitted and not withdrawn, presented or accepted."""
        submission_id = ids.submission_id(self.evidence_scheme, code, provider.organisation_id)
        if not self.app.exists(submission_id):
            return self.app.submit_evidence(provider, self.evidence_scheme, code, _valid_evidence(code)).id
        if self.app.submission(submission_id).status is not SubmissionStatus.SUBMITTED:
            self.app.revise_evidence(provider, submission_id, _valid_evidence(code), "valid again")
        return submission_id


def _valid_evidence(code: str) -> Evidence:
    if code == "FLU":
        return Evidence("Figures.", Figures(Decimal(70), Decimal(100)))
    if code == "FALLS":
        return Evidence("Figures.", Figures(Decimal(12)))
    return Evidence("Our audit.", attachments=(AUDIT,))


@pytest.fixture(scope="module", params=DATABASES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with empty_store(request, tmp_path_factory.mktemp("limits")) as store:
        app = build_application(store)
        database, projections = build_views(store)
        organisations_registered(app)
        for provider in (ACUTE, COMMUNITY):
            app.record_upload(provider, AUDIT)
        programme_id = app.set_up_programme(COMMISSIONER, "Property", 2014, schemes_per_lead=None).id
        for provider_id in (ACUTE_ID, COMMUNITY_ID, PRIVATE_ID):
            app.join_programme(COMMISSIONER, programme_id, ProviderTerms(provider_id, Decimal(10**8), Decimal("0.025")))
        evidence = _agreed(app, programme_id, "EVIDENCE", _evidence_milestones())
        review = _agreed(app, programme_id, "REVIEW", (narrative_milestone("M1"),))
        for provider in (ACUTE, COMMUNITY):
            submitted = app.submit_evidence(provider, review, "M1", _valid_evidence("M1")).id
            app.accept_evidence(ACUTE, submitted)
        app.present_pack(ACUTE, review, Quarter.Q1)
        app.assess_milestone(
            COMMISSIONER, review, Quarter.Q1, COMMUNITY_ID, "M1", AssessmentStatus.NOT_APPLICABLE, "not at stake"
        )
        draft = app.draft_scheme(COMMISSIONER, programme_id, "DRAFT", _terms("Draft", (narrative_milestone("M1"),))).id
        app.designate_lead(COMMISSIONER, draft, ACUTE_ID)
        catch_up(app, projections)
        yield World(app, database, projections, programme_id, evidence, review, draft, itertools.count())
        database.close()
        app.close()


def _evidence_milestones() -> tuple[Milestone, ...]:
    due = date(2014, 7, 31)
    return (
        narrative_milestone("M1"),
        Milestone("FLU", "Flu vaccination uptake", Quarter.Q1, due, measure=MEASURE),
        Milestone("FALLS", "Falls on the wards", Quarter.Q1, due, measure=COUNT),
        *(narrative_milestone(code) for code in ("WITHDRAW", "ACCEPT", "RETURN")),
    )


def _terms(title: str, milestones: tuple[Milestone, ...]) -> SchemeTerms:
    return SchemeTerms(title, (Participant(ACUTE_ID), Participant(COMMUNITY_ID)), milestones, exclusions=LEFT_OUT)


def _agreed(app: Corral, programme_id: UUID, code: str, milestones: tuple[Milestone, ...]) -> UUID:
    scheme_id = app.draft_scheme(COMMISSIONER, programme_id, code, _terms(code.title(), milestones)).id
    app.designate_lead(COMMISSIONER, scheme_id, ACUTE_ID)
    for actor in (ACUTE, COMMUNITY, COMMISSIONER):
        app.sign_scheme(actor, scheme_id, 1)
    return scheme_id


# Each family: the generated inputs it takes, and what it does with them in the world.
Family = tuple[st.SearchStrategy[Any], Callable[[World, Any], None]]


def _organisation(world: World, inputs: dict[str, Any]) -> None:
    world.attempt(
        lambda: None,
        lambda: world.app.register_organisation(REGISTRAR, inputs["code"], inputs["name"], OrganisationKind.PROVIDER),
    )


def _programme(world: World, inputs: dict[str, Any]) -> None:
    world.attempt(
        lambda: None,
        lambda: world.app.set_up_programme(COMMISSIONER, inputs["economy"], 2014, inputs["partial_fraction"]),
    )


def _join(world: World, inputs: dict[str, Any]) -> None:
    programme: list[UUID] = []
    world.attempt(
        lambda: programme.append(world.app.set_up_programme(COMMISSIONER, f"Joining {next(world.counter)}", 2014).id),
        lambda: world.app.join_programme(
            COMMISSIONER, programme[0], ProviderTerms(ACUTE_ID, inputs["contract_value"], inputs["cquin_rate"])
        ),
    )


def _provider_terms(world: World, inputs: dict[str, Any]) -> None:
    terms = lambda: ProviderTerms(COMMUNITY_ID, inputs["contract_value"], inputs["cquin_rate"])  # noqa: E731
    world.attempt(
        lambda: None,
        lambda: world.app.revise_provider_terms(COMMISSIONER, world.programme_id, terms(), inputs["reason"]),
    )


def _lead(world: World, reason: str) -> None:
    lead = world.app.programme(world.programme_id).lead_of(world.draft_scheme)
    other = COMMUNITY_ID if lead == ACUTE_ID else ACUTE_ID
    world.attempt(lambda: None, lambda: world.app.designate_lead(COMMISSIONER, world.draft_scheme, other, reason))


def _draft(world: World, inputs: tuple[str, dict[str, Any]]) -> None:
    code, parts = inputs
    world.attempt(lambda: None, lambda: world.app.draft_scheme(COMMISSIONER, world.programme_id, code, terms_of(parts)))


def _amend(world: World, inputs: tuple[dict[str, Any], str]) -> None:
    parts, reason = inputs
    world.attempt(
        lambda: None, lambda: world.app.amend_draft(COMMISSIONER, world.draft_scheme, terms_of(parts), reason)
    )


def _vary(world: World, inputs: tuple[dict[str, Any], str]) -> None:
    parts, reason = inputs
    world.attempt(
        lambda: None, lambda: world.app.propose_variation(COMMISSIONER, world.review_scheme, terms_of(parts), reason)
    )


def _evidence(world: World, inputs: tuple[str, dict[str, Any]]) -> None:
    code, parts = inputs
    submission_id = ids.submission_id(world.evidence_scheme, code, ACUTE_ID)

    sha256 = "cd" * 32

    def upload() -> Any:
        return world.app.record_upload(ACUTE, Attachment(sha256, parts["name"], 10, parts["media_type"]))

    world.attempt(lambda: None, upload)
    uploaded = (
        world.app.uploaded_attachments(ACUTE, [sha256]) if world.app.exists(ids.upload_id(ACUTE_ID, sha256)) else ()
    )

    def act() -> Any:
        figures = Figures(*parts["figures"]) if code != "M1" else None
        evidence = Evidence(parts["narrative"], figures, uploaded)
        if world.app.exists(submission_id):
            return world.app.revise_evidence(ACUTE, submission_id, evidence, parts["reason"])
        return world.app.submit_evidence(ACUTE, world.evidence_scheme, code, evidence)

    world.attempt(lambda: None, act)


def _on_submission(code: str, command: Callable[[World, UUID, str], Any]) -> Callable[[World, str], None]:
    """A family acting on COMMUNITY's submission for `code`, made ready for the command first."""

    def run(world: World, text: str) -> None:
        submission: list[UUID] = []
        world.attempt(lambda: submission.append(world.submission(code)), lambda: command(world, submission[0], text))

    return run


_withdraw = _on_submission("WITHDRAW", lambda w, s, reason: w.app.withdraw_evidence(COMMUNITY, s, reason))
_accept = _on_submission("ACCEPT", lambda w, s, comment: w.app.accept_evidence(ACUTE, s, comment))
_return = _on_submission("RETURN", lambda w, s, comments: w.app.return_evidence(ACUTE, s, comments))


def _presented(world: World) -> None:
    if world.app.quarter_review(world.review_scheme, Quarter.Q1).status is not ReviewStatus.PRESENTED:
        world.app.present_pack(ACUTE, world.review_scheme, Quarter.Q1)


def _nudge(world: World, message: str) -> None:
    world.attempt(
        lambda: None, lambda: world.app.nudge_provider(ACUTE, world.review_scheme, Quarter.Q1, COMMUNITY_ID, message)
    )


def _query(world: World, questions: str) -> None:
    world.attempt(
        lambda: _presented(world),
        lambda: world.app.query_pack(COMMISSIONER, world.review_scheme, Quarter.Q1, questions),
    )


def _assess(world: World, rationale: str) -> None:
    def act() -> Any:
        review = world.app.quarter_review(world.review_scheme, Quarter.Q1)
        status = AssessmentStatus.NOT_MET
        if review.find_assessment(ACUTE_ID, "M1") is None:
            return world.app.assess_milestone(
                COMMISSIONER, world.review_scheme, Quarter.Q1, ACUTE_ID, "M1", status, rationale
            )
        return world.app.revise_assessment(
            COMMISSIONER, world.review_scheme, Quarter.Q1, ACUTE_ID, "M1", status, rationale, "re-read"
        )

    world.attempt(lambda: _presented(world), act)


def _appeal(world: World, inputs: dict[str, Any]) -> None:
    rationale, reason = inputs["rationale"], inputs["reason"]
    world.attempt(
        lambda: None,
        lambda: world.app.revise_assessment(
            COMMISSIONER,
            world.review_scheme,
            Quarter.Q1,
            COMMUNITY_ID,
            "M1",
            AssessmentStatus.NOT_APPLICABLE,
            rationale,
            reason,
        ),
    )


def _disable(world: World, reason: str) -> None:
    username = f"user{next(world.counter)}"
    world.attempt(
        lambda: world.app.register_user(ADMIN, username, COMMISSIONER_ID, Role.COMMISSIONER, "argon2-hash"),
        lambda: world.app.disable_user(ADMIN, username, reason),
    )


FAMILIES: dict[str, Family] = {
    "register an organisation": (one_wild(code=(PLAIN, TEXT), name=(PLAIN, TEXT)), _organisation),
    "set up a programme": (one_wild(economy=(PLAIN, TEXT), partial_fraction=(FRACTION, DECIMAL)), _programme),
    "join a programme": (one_wild(contract_value=(POUNDS, DECIMAL), cquin_rate=(FRACTION, DECIMAL)), _join),
    "revise provider terms": (
        one_wild(contract_value=(POUNDS, DECIMAL), cquin_rate=(FRACTION, DECIMAL), reason=(PLAIN, TEXT)),
        _provider_terms,
    ),
    "re-designate a lead": (TEXT, _lead),
    "draft a scheme": (st.tuples(st.one_of(PLAIN, TEXT), TERMS), _draft),
    "amend a draft": (st.tuples(TERMS, st.one_of(PLAIN, TEXT)), _amend),
    "propose a variation": (st.tuples(TERMS, st.one_of(PLAIN, TEXT)), _vary),
    "submit or revise evidence": (evidence_inputs(), _evidence),
    "withdraw evidence": (TEXT, _withdraw),
    "accept evidence": (TEXT, _accept),
    "return evidence": (TEXT, _return),
    "nudge": (TEXT, _nudge),
    "query a pack": (TEXT, _query),
    "assess": (TEXT, _assess),
    "revise an assessment on appeal": (one_wild(rationale=(PLAIN, TEXT), reason=(PLAIN, TEXT)), _appeal),
    "disable an account": (TEXT, _disable),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_generated_input_is_refused_recording_nothing_or_accepted_and_applied_by_every_view(
    world: World, family: str
) -> None:
    inputs, run = FAMILIES[family]

    @EXAMPLES
    @given(inputs)
    def examples(generated: Any) -> None:
        run(world, generated)

    examples()

    assert verify(world.app, world.database) == []
