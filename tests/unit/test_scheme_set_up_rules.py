"""DOMAIN.md's set-up rules: a scheme cannot be agreed without a lead, and a provider of the programme that is left
out of a scheme has the reason recorded."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.limits import InvalidInputError
from domain.programme import ProgrammeScope
from domain.programme_errors import LeadNotParticipantError
from domain.scheme import LeadNotDesignatedError
from domain.scheme_terms import Exclusion, ExclusionReasonMissingError
from tests.builders import ACUTE, ACUTE_ID, COMMISSIONER, COMMUNITY_ID, PRIVATE_ID, terms
from tests.unit.given import LEAD_ID, SCOPE, agreed, drafted, event_names

NAMES = {
    ACUTE_ID: "Torbay Acute Trust",
    COMMUNITY_ID: "Devon Community Care Trust",
    PRIVATE_ID: "Mount Stuart Hospital",
}


def test_nobody_signs_a_scheme_before_its_lead_is_designated() -> None:
    scheme = drafted()

    with pytest.raises(LeadNotDesignatedError):
        scheme.sign(ACUTE, 1, None)

    assert event_names(scheme) == [] and scheme.signatures == {}


def test_a_lead_no_longer_among_the_participants_signs_nothing_into_agreement() -> None:
    scheme = drafted()

    with pytest.raises(LeadNotDesignatedError):
        scheme.sign(COMMISSIONER, 1, PRIVATE_ID)

    assert event_names(scheme) == []


def test_once_the_lead_is_designated_the_last_signature_agrees_the_scheme() -> None:
    scheme = drafted()
    scheme.sign(ACUTE, 1, LEAD_ID)

    assert event_names(scheme) == ["Signed"]


@pytest.mark.parametrize("change", ["amend_draft", "propose_variation"])
def test_new_terms_that_leave_out_the_lead_are_refused_until_the_lead_is_re_designated(change: str) -> None:
    scheme = drafted() if change == "amend_draft" else agreed()
    without_lead = terms(participants=(ACUTE_ID, PRIVATE_ID))

    with pytest.raises(LeadNotParticipantError):
        getattr(scheme, change)(COMMISSIONER, without_lead, SCOPE, "the community trust steps back", LEAD_ID)
    getattr(scheme, change)(COMMISSIONER, without_lead, SCOPE, "the community trust steps back", ACUTE_ID)

    assert event_names(scheme) == ["DraftAmended" if change == "amend_draft" else "VariationProposed"]
    assert scheme.terms.excluded_ids == {COMMUNITY_ID}


def test_a_programme_provider_left_out_with_no_reason_is_refused_by_name() -> None:
    silent = replace(terms(), exclusions=())

    with pytest.raises(ExclusionReasonMissingError) as refused:
        silent.require_in(SCOPE)

    assert refused.value.missing == (PRIVATE_ID,) and refused.value.field == "exclusions"
    assert refused.value.described(NAMES.__getitem__) == (
        "Mount Stuart Hospital is in the programme but not in this scheme: say why it is left out"
    )


def test_the_reason_a_provider_is_left_out_is_kept_with_the_terms() -> None:
    scheme = drafted(terms())

    assert scheme.terms.exclusions == (Exclusion(PRIVATE_ID, "Not relevant to its NHS patients."),)


def test_a_provider_cannot_be_both_in_a_scheme_and_left_out_of_it() -> None:
    with pytest.raises(InvalidInputError) as refused:
        replace(terms(), exclusions=(Exclusion(ACUTE_ID, "Not relevant."), Exclusion(PRIVATE_ID, "Not relevant.")))

    assert refused.value.field == "exclusions.0.provider_id"


def test_a_provider_left_out_twice_is_refused() -> None:
    twice = (Exclusion(PRIVATE_ID, "Not relevant."), Exclusion(PRIVATE_ID, "Still not relevant."))

    with pytest.raises(InvalidInputError) as refused:
        replace(terms(), exclusions=twice)

    assert refused.value.field == "exclusions.1.provider_id"


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_leaving_a_provider_out_needs_a_reason(reason: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        Exclusion(PRIVATE_ID, reason)

    assert refused.value.field == "reason"


def test_only_providers_of_the_programme_are_left_out() -> None:
    two_providers = ProgrammeScope(frozenset({ACUTE_ID, COMMUNITY_ID}), 2014)

    with pytest.raises(InvalidInputError) as refused:
        terms().require_in(two_providers)

    assert refused.value.field == "exclusions.0.provider_id"
    terms(programme=(ACUTE_ID, COMMUNITY_ID)).require_in(two_providers)
