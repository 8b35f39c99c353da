"""Programmes: providers joining with their terms, and the designation of scheme leads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from domain import ids
from domain.actors import Actor, Role
from domain.errors import AlreadyExistsError, NotFoundError, NotPermittedError, ReasonRequiredError
from domain.limits import InvalidInputError
from domain.programme_errors import (
    AlreadyLeadError,
    InvalidProgrammeError,
    LeadLimitExceededError,
    LeadNotParticipantError,
)
from domain.programme import Programme, ProviderTerms
from domain.programme_errors import ProviderAlreadyJoinedError, ProviderNotInProgrammeError
from tests.builders import ACUTE, ACUTE_ID, ADMIN, AUDITOR, COMMISSIONER
from tests.builders import COMMISSIONER_ID, COMMUNITY, COMMUNITY_ID, PRIVATE_ID
from tests.unit.given import collected, ALL_PROVIDERS, PROGRAMME_ID, event_names, programme, provider_terms

NHS_ENGLAND = Actor("nigel", ids.organisation_id("NHSE"), Role.COMMISSIONER)
SCHEME_A = ids.scheme_id(PROGRAMME_ID, "A")
SCHEME_B = ids.scheme_id(PROGRAMME_ID, "B")
SCHEME_C = ids.scheme_id(PROGRAMME_ID, "C")
NOT_HIS_STAFF = [ACUTE, AUDITOR, ADMIN, NHS_ENGLAND]
NOT_HIS_STAFF_IDS = ["provider", "auditor", "administrator", "another commissioner"]


def with_schemes(schemes_per_lead: int | None = 1) -> Programme:
    """Every provider has joined and schemes A, B and C are drafted."""
    result = programme(schemes_per_lead)
    for scheme_id, code in ((SCHEME_A, "A"), (SCHEME_B, "B"), (SCHEME_C, "C")):
        result.add_scheme(COMMISSIONER, scheme_id, code)
    result.collect_events()
    return result


def with_lead(schemes_per_lead: int | None = 1) -> Programme:
    """ACUTE leads scheme A."""
    result = with_schemes(schemes_per_lead)
    result.designate_lead(COMMISSIONER, SCHEME_A, ACUTE_ID, ALL_PROVIDERS)
    result.collect_events()
    return result


def test_a_commissioner_sets_up_its_programme_for_a_contract_year() -> None:
    result = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, " Torbay ", 2014)

    events = collected(result)
    assert [type(e).__name__ for e in events] == ["SetUp"]
    assert (events[0].health_economy, events[0].contract_year, events[0].actor) == ("Torbay", 2014, COMMISSIONER)
    assert result.id == PROGRAMME_ID
    assert (result.partial_fraction, result.schemes_per_lead) == (Decimal("0.5"), 1)
    assert result.provider_ids == frozenset()


@pytest.mark.parametrize("actor", NOT_HIS_STAFF, ids=NOT_HIS_STAFF_IDS)
def test_only_the_commissioners_own_staff_set_up_its_programme(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        Programme.set_up(actor, COMMISSIONER_ID, "Torbay", 2014)


def test_a_programme_needs_the_name_of_its_health_economy() -> None:
    with pytest.raises(InvalidProgrammeError):
        Programme.set_up(COMMISSIONER, COMMISSIONER_ID, " ", 2014)


@pytest.mark.parametrize(
    "settings",
    [
        {"contract_year": 1999},
        {"contract_year": 2101},
        {"partial_fraction": Decimal("1.01")},
        {"partial_fraction": Decimal("-0.5")},
        {"schemes_per_lead": 0},
    ],
    ids=["year too early", "year too late", "fraction above 1", "negative fraction", "no lead"],
)
def test_a_programme_with_nonsensical_settings_is_refused_naming_the_setting(settings: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"health_economy": "Torbay", "contract_year": 2014, **settings}
    with pytest.raises(InvalidInputError) as refused:
        Programme.set_up(COMMISSIONER, COMMISSIONER_ID, **arguments)
    assert refused.value.field == next(iter(settings))


@pytest.mark.parametrize(
    ("contract_value", "cquin_rate", "field"),
    [
        ("0", "0.025", "contract_value"),
        ("-1", "0.025", "contract_value"),
        ("1000", "0", "cquin_rate"),
        ("1000", "1.5", "cquin_rate"),
    ],
)
def test_provider_terms_need_a_positive_contract_value_and_a_rate_up_to_one(
    contract_value: str, cquin_rate: str, field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        ProviderTerms(ACUTE_ID, Decimal(contract_value), Decimal(cquin_rate))
    assert refused.value.field == field


def test_a_providers_cquin_value_is_its_contract_value_times_its_cquin_rate() -> None:
    assert provider_terms(ACUTE_ID, "84000000", "0.0125").cquin_value == Decimal("1050000")


def test_a_provider_joins_with_its_contract_value_and_cquin_rate() -> None:
    result = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014)
    result.collect_events()

    result.join(COMMISSIONER, provider_terms(ACUTE_ID, "84000000", "0.025"))

    events = collected(result)
    assert [type(e).__name__ for e in events] == ["ProviderJoined"]
    assert events[0].terms == provider_terms(ACUTE_ID, "84000000", "0.025")
    assert result.has_provider(ACUTE_ID) and not result.has_provider(COMMUNITY_ID)
    assert result.provider(ACUTE_ID).cquin_value == Decimal("2100000")


def test_a_provider_joins_a_programme_only_once() -> None:
    result = programme()

    with pytest.raises(ProviderAlreadyJoinedError):
        result.join(COMMISSIONER, provider_terms(ACUTE_ID))


@pytest.mark.parametrize("actor", NOT_HIS_STAFF, ids=NOT_HIS_STAFF_IDS)
def test_only_the_commissioner_adds_a_provider(actor: Actor) -> None:
    result = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014)

    with pytest.raises(NotPermittedError):
        result.join(actor, provider_terms(actor.organisation_id))


def test_the_commissioner_revises_a_providers_terms_saying_why() -> None:
    result = programme()

    result.revise_provider_terms(COMMISSIONER, provider_terms(ACUTE_ID, "90000000"), " contract variation ")

    events = collected(result)
    assert [type(e).__name__ for e in events] == ["ProviderTermsRevised"]
    assert (events[0].terms.contract_value, events[0].reason) == (Decimal("90000000"), "contract variation")
    assert result.provider(ACUTE_ID).contract_value == Decimal("90000000")


def test_revising_a_providers_terms_needs_a_reason() -> None:
    with pytest.raises(ReasonRequiredError):
        programme().revise_provider_terms(COMMISSIONER, provider_terms(ACUTE_ID, "90000000"), "")


def test_only_a_provider_in_the_programme_has_terms_to_revise() -> None:
    result = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014)

    with pytest.raises(ProviderNotInProgrammeError):
        result.revise_provider_terms(COMMISSIONER, provider_terms(ACUTE_ID), "typo")


@pytest.mark.parametrize("actor", [ACUTE, AUDITOR], ids=["provider", "auditor"])
def test_a_provider_or_auditor_cannot_revise_terms(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        programme().revise_provider_terms(actor, provider_terms(ACUTE_ID, "90000000"), "we would like more")


def test_a_drafted_scheme_is_recorded_as_part_of_the_programme() -> None:
    result = programme()

    result.add_scheme(COMMISSIONER, SCHEME_B, "B")
    result.add_scheme(COMMISSIONER, SCHEME_A, "A")

    events = collected(result)
    assert [type(e).__name__ for e in events] == ["SchemeAdded", "SchemeAdded"]
    assert (events[0].scheme_id, events[0].code) == (SCHEME_B, "B")
    assert result.scheme_ids == [SCHEME_B, SCHEME_A]


def test_a_scheme_is_added_to_a_programme_only_once() -> None:
    with pytest.raises(AlreadyExistsError):
        with_schemes().add_scheme(COMMISSIONER, SCHEME_A, "A")


@pytest.mark.parametrize("actor", [ACUTE, AUDITOR, NHS_ENGLAND], ids=["provider", "auditor", "another commissioner"])
def test_only_the_commissioner_adds_a_scheme(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        programme().add_scheme(actor, SCHEME_A, "A")


def test_a_lead_is_designated_only_for_a_scheme_of_the_programme() -> None:
    with pytest.raises(NotFoundError):
        programme().designate_lead(COMMISSIONER, SCHEME_A, ACUTE_ID, ALL_PROVIDERS)


def test_the_commissioner_designates_a_participating_provider_as_a_schemes_lead() -> None:
    result = with_schemes()

    result.designate_lead(COMMISSIONER, SCHEME_A, ACUTE_ID, frozenset({ACUTE_ID, COMMUNITY_ID}))

    events = collected(result)
    assert [type(e).__name__ for e in events] == ["LeadProviderDesignated"]
    assert (events[0].scheme_id, events[0].provider_id) == (SCHEME_A, ACUTE_ID)
    assert result.lead_of(SCHEME_A) == ACUTE_ID
    assert result.schemes_led_by(ACUTE_ID) == [SCHEME_A]


def test_the_lead_must_participate_in_the_scheme_it_leads() -> None:
    with pytest.raises(LeadNotParticipantError):
        with_schemes().designate_lead(COMMISSIONER, SCHEME_A, PRIVATE_ID, frozenset({ACUTE_ID, COMMUNITY_ID}))


def test_the_lead_must_have_joined_the_programme() -> None:
    result = Programme.set_up(COMMISSIONER, COMMISSIONER_ID, "Torbay", 2014)
    result.add_scheme(COMMISSIONER, SCHEME_A, "A")

    with pytest.raises(ProviderNotInProgrammeError):
        result.designate_lead(COMMISSIONER, SCHEME_A, ACUTE_ID, ALL_PROVIDERS)


def test_by_default_a_provider_leads_at_most_one_scheme() -> None:
    result = with_lead()

    with pytest.raises(LeadLimitExceededError):
        result.designate_lead(COMMISSIONER, SCHEME_B, ACUTE_ID, ALL_PROVIDERS)


def test_a_programme_without_a_lead_limit_lets_one_provider_lead_several_schemes() -> None:
    result = with_lead(schemes_per_lead=None)

    result.designate_lead(COMMISSIONER, SCHEME_B, ACUTE_ID, ALL_PROVIDERS)

    assert event_names(result) == ["LeadProviderDesignated"]
    assert result.schemes_led_by(ACUTE_ID) == [SCHEME_A, SCHEME_B]


def test_a_programme_allowing_two_schemes_per_lead_refuses_a_third() -> None:
    result = with_lead(schemes_per_lead=2)
    result.designate_lead(COMMISSIONER, SCHEME_B, ACUTE_ID, ALL_PROVIDERS)

    with pytest.raises(LeadLimitExceededError):
        result.designate_lead(COMMISSIONER, SCHEME_C, ACUTE_ID, ALL_PROVIDERS)


def test_re_designating_a_lead_records_the_previous_lead_and_the_reason() -> None:
    result = with_lead()

    result.designate_lead(COMMISSIONER, SCHEME_A, COMMUNITY_ID, ALL_PROVIDERS, " acute trust under special measures ")

    events = collected(result)
    assert [type(e).__name__ for e in events] == ["LeadProviderRedesignated"]
    assert (events[0].provider_id, events[0].previous_provider_id, events[0].reason) == (
        COMMUNITY_ID,
        ACUTE_ID,
        "acute trust under special measures",
    )
    assert result.lead_of(SCHEME_A) == COMMUNITY_ID
    assert result.schemes_led_by(ACUTE_ID) == []


def test_re_designating_a_lead_needs_a_reason() -> None:
    result = with_lead()

    with pytest.raises(ReasonRequiredError):
        result.designate_lead(COMMISSIONER, SCHEME_A, COMMUNITY_ID, ALL_PROVIDERS, " ")
    assert result.lead_of(SCHEME_A) == ACUTE_ID


def test_designating_the_current_lead_again_is_refused() -> None:
    with pytest.raises(AlreadyLeadError):
        with_lead().designate_lead(COMMISSIONER, SCHEME_A, ACUTE_ID, ALL_PROVIDERS, "again")


@pytest.mark.parametrize("actor", [ACUTE, AUDITOR, NHS_ENGLAND], ids=["provider", "auditor", "another commissioner"])
def test_only_the_commissioner_designates_a_lead(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        with_schemes().designate_lead(actor, SCHEME_A, ACUTE_ID, ALL_PROVIDERS)


def test_the_leads_staff_pass_the_lead_check() -> None:
    assert with_lead().require_lead(ACUTE, SCHEME_A) == ACUTE_ID


@pytest.mark.parametrize("actor", [COMMUNITY, COMMISSIONER, AUDITOR], ids=["other provider", "commissioner", "auditor"])
def test_only_the_leads_staff_act_as_the_lead(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        with_lead().require_lead(actor, SCHEME_A)


def test_no_one_acts_as_the_lead_of_a_scheme_without_one() -> None:
    with pytest.raises(NotPermittedError):
        with_lead().require_lead(ACUTE, SCHEME_B)
