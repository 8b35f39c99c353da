"""Organisations: registered by the platform operator only, renamed by their own administrator or the operator."""

from __future__ import annotations

import pytest
from eventsourcing.domain import Snapshot

from domain import ids
from domain.actors import Actor
from domain.errors import NotPermittedError, ReasonRequiredError
from domain.limits import InvalidInputError
from domain.organisation import InvalidOrganisationError, Organisation, OrganisationKind, Sector
from domain.organisation import WrongKindOfOrganisationError
from tests.builders import ACUTE, ACUTE_ID, ADMIN, AUDITOR, COMMISSIONER, OPERATOR, administrator_of
from tests.unit.given import collected, event_names


def registered_acute() -> Organisation:
    organisation = Organisation.register(OPERATOR, "ACUTE", "Torbay and South Devon NHS FT", OrganisationKind.PROVIDER)
    organisation.collect_events()
    return organisation


def test_the_platform_operator_registers_a_provider_under_its_code() -> None:
    organisation = Organisation.register(OPERATOR, " ACUTE ", " Torbay Hospital ", OrganisationKind.PROVIDER)

    events = collected(organisation)
    assert [type(e).__name__ for e in events] == ["Registered"]
    assert (events[0].code, events[0].name, events[0].kind, events[0].actor) == (
        "ACUTE",
        "Torbay Hospital",
        OrganisationKind.PROVIDER,
        OPERATOR,
    )
    assert organisation.id == ids.organisation_id("ACUTE")
    assert (organisation.code, organisation.name, organisation.kind) == (
        "ACUTE",
        "Torbay Hospital",
        OrganisationKind.PROVIDER,
    )


def test_registering_a_code_again_derives_the_same_id_so_the_second_create_collides() -> None:
    first = Organisation.register(OPERATOR, "acute", "Torbay Hospital", OrganisationKind.PROVIDER)
    second = Organisation.register(OPERATOR, " ACUTE", "Another name", OrganisationKind.PROVIDER)

    assert first.id == second.id


@pytest.mark.parametrize(
    "actor", [COMMISSIONER, ACUTE, AUDITOR, ADMIN], ids=["commissioner", "provider", "auditor", "administrator"]
)
def test_only_the_platform_operator_registers_an_organisation(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        Organisation.register(actor, "ACUTE", "Torbay Hospital", OrganisationKind.PROVIDER)


@pytest.mark.parametrize(("code", "name"), [("", "Torbay Hospital"), ("  ", "Torbay Hospital"), ("ACUTE", " ")])
def test_an_organisation_needs_a_code_and_a_name(code: str, name: str) -> None:
    with pytest.raises(InvalidOrganisationError):
        Organisation.register(OPERATOR, code, name, OrganisationKind.PROVIDER)


def test_its_own_administrator_renames_an_organisation_after_a_merger_saying_why() -> None:
    organisation = registered_acute()

    organisation.rename(administrator_of(ACUTE_ID), " Torbay and South Devon ", " merged with the community trust ")

    events = collected(organisation)
    assert [type(e).__name__ for e in events] == ["Renamed"]
    assert (events[0].name, events[0].reason) == ("Torbay and South Devon", "merged with the community trust")
    assert organisation.name == "Torbay and South Devon"


def test_a_rename_needs_a_reason() -> None:
    organisation = registered_acute()

    with pytest.raises(ReasonRequiredError):
        organisation.rename(administrator_of(ACUTE_ID), "Torbay and South Devon", "  ")
    assert event_names(organisation) == []


def test_a_rename_needs_a_new_name() -> None:
    organisation = registered_acute()

    with pytest.raises(InvalidOrganisationError):
        organisation.rename(OPERATOR, " ", "merger")


@pytest.mark.parametrize(
    "actor",
    [COMMISSIONER, ACUTE, AUDITOR, ADMIN],
    ids=["commissioner", "the organisation's own staff", "auditor", "another organisation's administrator"],
)
def test_only_its_own_administrator_or_the_platform_operator_renames_an_organisation(actor: Actor) -> None:
    organisation = registered_acute()

    with pytest.raises(NotPermittedError):
        organisation.rename(actor, "Torbay and South Devon", "merger")
    organisation.rename(OPERATOR, "Torbay and South Devon", "merger")

    assert [e.actor for e in collected(organisation)] == [OPERATOR]


def test_a_provider_is_refused_where_a_commissioner_is_required() -> None:
    organisation = registered_acute()

    organisation.require_kind(OrganisationKind.PROVIDER)
    with pytest.raises(WrongKindOfOrganisationError):
        organisation.require_kind(OrganisationKind.COMMISSIONER)


def test_a_provider_is_registered_with_its_sector() -> None:
    organisation = Organisation.register(
        OPERATOR, "MSH", "Mount Stuart Hospital", OrganisationKind.PROVIDER, Sector.INDEPENDENT_SECTOR
    )

    [registered] = collected(organisation)
    assert registered.sector is Sector.INDEPENDENT_SECTOR and organisation.sector is Sector.INDEPENDENT_SECTOR
    assert Sector.INDEPENDENT_SECTOR.label == "independent sector" and Sector.ICB.label == "CCG or ICB"


@pytest.mark.parametrize(
    ("kind", "sector"),
    [(OrganisationKind.PROVIDER, Sector.NHS_ENGLAND), (OrganisationKind.COMMISSIONER, Sector.MENTAL_HEALTH)],
)
def test_a_sector_of_the_other_kind_of_organisation_is_refused_naming_the_field(
    kind: OrganisationKind, sector: Sector
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        Organisation.register(OPERATOR, "X", "Some organisation", kind, sector)

    assert refused.value.field == "sector"


def test_the_organisations_administrator_changes_its_sector_saying_why() -> None:
    organisation = registered_acute()

    organisation.change_sector(administrator_of(ACUTE_ID), Sector.COMMUNITY, "Acute services moved to the ICO.")

    [changed] = collected(organisation)
    assert (type(changed).__name__, changed.sector, changed.reason) == (
        "SectorChanged",
        Sector.COMMUNITY,
        "Acute services moved to the ICO.",
    )
    assert organisation.sector is Sector.COMMUNITY


@pytest.mark.parametrize("actor", [ACUTE, ADMIN, COMMISSIONER, AUDITOR], ids=["staff", "other admin", "ccg", "auditor"])
def test_only_the_organisations_own_administrator_changes_its_sector(actor: Actor) -> None:
    with pytest.raises(NotPermittedError):
        registered_acute().change_sector(actor, Sector.COMMUNITY, "Moved.")


def test_a_sector_change_needs_a_reason_and_a_real_change() -> None:
    organisation = registered_acute()
    organisation.change_sector(administrator_of(ACUTE_ID), Sector.ACUTE, "First recorded.")
    organisation.collect_events()

    with pytest.raises(ReasonRequiredError):
        organisation.change_sector(administrator_of(ACUTE_ID), Sector.COMMUNITY, " ")
    with pytest.raises(InvalidInputError) as unchanged:
        organisation.change_sector(administrator_of(ACUTE_ID), Sector.ACUTE, "Again.")
    with pytest.raises(InvalidInputError) as wrong_kind:
        organisation.change_sector(administrator_of(ACUTE_ID), Sector.ICB, "Became a commissioner.")

    assert event_names(organisation) == [] and unchanged.value.field == wrong_kind.value.field == "sector"


def test_an_organisation_registered_before_sectors_were_kept_has_none() -> None:
    assert registered_acute().sector is None


def test_a_snapshot_taken_before_sectors_were_kept_loads_with_none() -> None:
    organisation = registered_acute()
    snapshot = Snapshot.take(organisation)
    old = Snapshot(
        originator_id=snapshot.originator_id,
        originator_version=snapshot.originator_version,
        timestamp=snapshot.timestamp,
        topic=snapshot.topic,
        state={k: v for k, v in snapshot.state.items() if k != "sector"},
    )

    loaded = old.mutate(None)

    assert "sector" not in old.state and isinstance(loaded, Organisation) and loaded.sector is None
