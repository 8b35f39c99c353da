"""Organisation events in plain English: registered, renamed, and the sector each is in."""

from __future__ import annotations

from uuid import UUID

from domain.organisation import Organisation, OrganisationKind
from projections.audit.context import Lookup
from projections.audit.describe import Described, describes
from projections.audit.phrasing import name_of, who


def _if_provider(organisation_id: UUID, kind: OrganisationKind | None) -> UUID | None:
    return organisation_id if kind is OrganisationKind.PROVIDER else None


def _kind_of(lookup: Lookup, organisation_id: UUID) -> OrganisationKind | None:
    known = lookup.organisation(organisation_id)
    return known.kind if known else None


@describes(Organisation.Registered)
def _registered(e: Organisation.Registered, lookup: Lookup) -> Described:
    sector = f", sector {e.sector.label}" if e.sector else ""
    text = f"{who(e, lookup)} registered {e.kind.value} {e.name} (code {e.code}{sector})"
    return Described(text, provider_id=_if_provider(e.originator_id, e.kind))


@describes(Organisation.Renamed)
def _renamed(e: Organisation.Renamed, lookup: Lookup) -> Described:
    text = f"{who(e, lookup)} renamed {name_of(lookup, e.originator_id)} to {e.name}: {e.reason}"
    return Described(text, e.reason, provider_id=_if_provider(e.originator_id, _kind_of(lookup, e.originator_id)))


@describes(Organisation.SectorChanged)
def _sector_changed(e: Organisation.SectorChanged, lookup: Lookup) -> Described:
    text = f"{who(e, lookup)} recorded {name_of(lookup, e.originator_id)}'s sector as {e.sector.label}: {e.reason}"
    return Described(text, e.reason, provider_id=_if_provider(e.originator_id, _kind_of(lookup, e.originator_id)))
