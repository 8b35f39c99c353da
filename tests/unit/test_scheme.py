"""Schemes: drafted by the commissioner, agreed when every party signs, varied only by signing again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from domain.achievement import BaselineMissingError
from domain.actors import Actor
from domain.errors import NotFoundError, NotPermittedError, ReasonRequiredError
from domain.milestones import Milestone, Quarter
from domain.programme import ProgrammeScope
from domain.scheme import AlreadySignedError, MilestoneNotApplicableError, NotAParticipantError, NothingToSignError
from domain.scheme import Participant, Scheme, SchemeAlreadyAgreedError, SchemeNotAgreedError
from domain.scheme import SchemeTerms, StaleTermsError
from domain.scheme_terms import InvalidTermsError
from tests.builders import ACUTE, ACUTE_ID, ADMIN, AUDITOR, COMMISSIONER, COMMISSIONER_ID, COMMUNITY
from tests.builders import COMMUNITY_ID, PRIVATE, PRIVATE_ID, ae_reduction, narrative_milestone, terms
from tests.unit.given import (
    LEAD_ID,
    SCOPE,
    PROGRAMME_ID,
    SCHEME_ID,
    agreed,
    collected,
    drafted,
    event_names,
    sign_by_all,
)

NewTerms = Callable[[Actor, str], None]
VARIED = terms(narrative_milestone("M1"), narrative_milestone("M2", Quarter.Q2))


def test_the_commissioner_drafts_a_scheme_awaiting_every_signature() -> None:
    scheme = Scheme.draft(COMMISSIONER, PROGRAMME_ID, COMMISSIONER_ID, SCOPE, " SH ", terms())

    events = collected(scheme)
    assert [type(e).__name__ for e in events] == ["Drafted"]
    assert (events[0].code, events[0].terms, events[0].programme_id) == ("SH", terms(), PROGRAMME_ID)
    assert scheme.id == SCHEME_ID
    assert (scheme.status.value, scheme.terms_version, scheme.signatures) == ("draft", 1, {})
    assert scheme.signatories == {COMMISSIONER_ID, ACUTE_ID, COMMUNITY_ID}


@pytest.mark.parametrize("actor", [ACUTE, AUDITOR, ADMIN], ids=["provider", "auditor", "administrator"])
def test_only_the_commissioner_drafts_a_scheme(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        Scheme.draft(actor, PROGRAMME_ID, COMMISSIONER_ID, SCOPE, "SH", terms())


def test_a_scheme_needs_a_short_code() -> None:
    with pytest.raises(InvalidTermsError):
        Scheme.draft(COMMISSIONER, PROGRAMME_ID, COMMISSIONER_ID, SCOPE, "  ", terms())


def test_every_participant_must_first_join_the_programme() -> None:
    with pytest.raises(InvalidTermsError):
        Scheme.draft(
            COMMISSIONER, PROGRAMME_ID, COMMISSIONER_ID, ProgrammeScope(frozenset({ACUTE_ID}), 2014), "SH", terms()
        )


@pytest.mark.parametrize(
    ("title", "participants", "milestones"),
    [
        (" ", (Participant(ACUTE_ID),), ()),
        ("Self-harm", (), ()),
        ("Self-harm", (Participant(ACUTE_ID), Participant(ACUTE_ID)), ()),
        ("Self-harm", (Participant(ACUTE_ID),), (narrative_milestone("M1"), narrative_milestone("M1", Quarter.Q2))),
        ("Self-harm", (Participant(ACUTE_ID),), (narrative_milestone("M1", provider_id=PRIVATE_ID),)),
    ],
    ids=["no title", "no participant", "participant twice", "codes clash", "targeted at outsider"],
)
def test_terms_that_make_no_sense_are_refused(
    title: str, participants: tuple[Participant, ...], milestones: tuple[Milestone, ...]
) -> None:
    with pytest.raises(InvalidTermsError):
        SchemeTerms(title, participants, milestones)


def test_a_quarter_expects_shared_milestones_from_everyone_and_targeted_ones_from_their_provider() -> None:
    scheme_terms = terms(
        narrative_milestone("S1"),
        narrative_milestone("T1", provider_id=ACUTE_ID),
        narrative_milestone("S2", Quarter.Q2),
    )

    expected = [(p, m.code) for p, m in scheme_terms.expected(Quarter.Q1)]

    assert expected == [(ACUTE_ID, "S1"), (COMMUNITY_ID, "S1"), (ACUTE_ID, "T1")]


def test_a_signature_short_of_the_last_records_only_the_signature() -> None:
    scheme = drafted()

    scheme.sign(ACUTE, 1, LEAD_ID)

    events = collected(scheme)
    assert [type(e).__name__ for e in events] == ["Signed"]
    assert (events[0].organisation_id, events[0].terms_version, events[0].actor) == (ACUTE_ID, 1, ACUTE)
    assert scheme.status.value == "draft"


def test_the_last_signature_agrees_the_scheme() -> None:
    scheme = drafted()
    scheme.sign(COMMISSIONER, 1, LEAD_ID)
    scheme.sign(COMMUNITY, 1, LEAD_ID)
    scheme.collect_events()

    scheme.sign(ACUTE, 1, LEAD_ID)

    events = collected(scheme)
    assert [type(e).__name__ for e in events] == ["Signed", "Agreed"]
    assert events[1].terms_version == 1
    assert (scheme.status.value, scheme.is_agreed, scheme.agreed_terms) == ("agreed", True, terms())
    assert set(scheme.agreed_version(1).signatories) == {COMMISSIONER_ID, ACUTE_ID, COMMUNITY_ID}


def test_a_signature_on_an_earlier_version_of_the_terms_is_stale() -> None:
    scheme = drafted()
    scheme.amend_draft(COMMISSIONER, VARIED, SCOPE, "add a Q2 milestone")

    with pytest.raises(StaleTermsError):
        scheme.sign(ACUTE, 1, LEAD_ID)


def test_an_organisation_signs_the_same_terms_only_once() -> None:
    scheme = drafted()
    scheme.sign(ACUTE, 1, LEAD_ID)

    with pytest.raises(AlreadySignedError):
        scheme.sign(ACUTE, 1, LEAD_ID)


@pytest.mark.parametrize("actor", [PRIVATE, AUDITOR, ADMIN], ids=["non-participant", "auditor", "administrator"])
def test_only_the_commissioner_and_the_participants_sign(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        drafted().sign(actor, 1, LEAD_ID)


def test_agreed_terms_have_nothing_left_to_sign() -> None:
    with pytest.raises(NothingToSignError):
        agreed().sign(ACUTE, 1, LEAD_ID)


def test_a_measure_relative_to_a_baseline_not_yet_set_cannot_be_signed() -> None:
    reduction = Milestone("AE", "Reduce A&E attendances", Quarter.Q4, date(2015, 3, 31), measure=ae_reduction())
    scheme = drafted(terms(reduction))

    with pytest.raises(BaselineMissingError):
        scheme.sign(COMMISSIONER, 1, LEAD_ID)


def test_amending_a_draft_lapses_the_signatures_so_far() -> None:
    scheme = drafted()
    scheme.sign(ACUTE, 1, LEAD_ID)
    scheme.collect_events()

    scheme.amend_draft(COMMISSIONER, VARIED, SCOPE, " add a Q2 milestone ")

    events = collected(scheme)
    assert [type(e).__name__ for e in events] == ["DraftAmended"]
    assert (events[0].terms, events[0].reason) == (VARIED, "add a Q2 milestone")
    assert (scheme.terms_version, scheme.signatures, scheme.status.value) == (2, {}, "draft")
    scheme.sign(ACUTE, 2, LEAD_ID)
    assert event_names(scheme) == ["Signed"]


def amend_a_draft(actor: Actor, reason: str) -> None:
    drafted().amend_draft(actor, VARIED, SCOPE, reason)


def propose_a_variation(actor: Actor, reason: str) -> None:
    agreed().propose_variation(actor, VARIED, SCOPE, reason)


NEW_TERMS = [amend_a_draft, propose_a_variation]


@pytest.mark.parametrize(
    ("new_terms", "blank"), [(amend_a_draft, ""), (propose_a_variation, " ")], ids=["draft", "variation"]
)
def test_amending_a_draft_or_proposing_a_variation_needs_a_reason(new_terms: NewTerms, blank: str) -> None:
    with pytest.raises(ReasonRequiredError):
        new_terms(COMMISSIONER, blank)


@pytest.mark.parametrize("actor", [ACUTE, AUDITOR], ids=["provider", "auditor"])
@pytest.mark.parametrize("new_terms", NEW_TERMS, ids=["draft", "variation"])
def test_only_the_commissioner_amends_a_draft_or_proposes_a_variation(new_terms: NewTerms, actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        new_terms(actor, "add a Q2 milestone")


def test_an_amended_draft_still_takes_only_programme_providers() -> None:
    with pytest.raises(InvalidTermsError):
        drafted().amend_draft(COMMISSIONER, VARIED, ProgrammeScope(frozenset({ACUTE_ID}), 2014), "add a Q2 milestone")


def test_an_agreed_scheme_is_not_amended_as_a_draft() -> None:
    with pytest.raises(SchemeAlreadyAgreedError):
        agreed().amend_draft(COMMISSIONER, VARIED, SCOPE, "add a Q2 milestone")


def test_a_draft_is_not_varied() -> None:
    with pytest.raises(SchemeNotAgreedError):
        drafted().propose_variation(COMMISSIONER, VARIED, SCOPE, "add a Q2 milestone")


def test_a_variation_leaves_the_agreed_terms_in_force_until_everyone_signs_again() -> None:
    scheme = agreed()

    scheme.propose_variation(COMMISSIONER, VARIED, SCOPE, " add a Q2 milestone ")

    events = collected(scheme)
    assert [type(e).__name__ for e in events] == ["VariationProposed"]
    assert (events[0].terms, events[0].reason) == (VARIED, "add a Q2 milestone")
    assert (scheme.status.value, scheme.is_agreed, scheme.terms_version) == ("varying", False, 2)
    assert scheme.agreed_terms == terms()
    assert scheme.agreed_version(1).terms == terms()


def test_a_variation_signed_by_everyone_is_agreed_and_the_earlier_version_stays_readable() -> None:
    scheme = agreed()
    scheme.propose_variation(COMMISSIONER, VARIED, SCOPE, "add a Q2 milestone")
    scheme.collect_events()

    sign_by_all(scheme)

    assert event_names(scheme) == ["Signed", "Signed", "Signed", "Agreed"]
    assert (scheme.status.value, scheme.agreed_terms) == ("agreed", VARIED)
    assert [v.terms_version for v in scheme.agreed_versions] == [1, 2]
    assert scheme.agreed_version(1).terms == terms()


def test_a_version_never_agreed_cannot_be_read_as_agreed() -> None:
    scheme = agreed()
    scheme.propose_variation(COMMISSIONER, VARIED, SCOPE, "add a Q2 milestone")

    with pytest.raises(NotFoundError):
        scheme.agreed_version(2)


def test_a_draft_has_no_terms_in_force_to_give_evidence_against() -> None:
    with pytest.raises(SchemeNotAgreedError):
        drafted().milestone_for(ACUTE_ID, "M1")


def test_a_participant_finds_an_agreed_milestone_that_applies_to_it() -> None:
    assert agreed().milestone_for(ACUTE_ID, "M1") == narrative_milestone("M1")


def test_a_non_participant_has_no_milestones_in_the_scheme() -> None:
    with pytest.raises(NotAParticipantError):
        agreed().milestone_for(PRIVATE_ID, "M1")


def test_a_milestone_targeted_at_another_provider_does_not_apply() -> None:
    scheme = agreed(terms(narrative_milestone("T1", provider_id=COMMUNITY_ID)))

    with pytest.raises(MilestoneNotApplicableError):
        scheme.milestone_for(ACUTE_ID, "T1")


def test_an_unknown_milestone_code_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        agreed().milestone_for(ACUTE_ID, "M9")
