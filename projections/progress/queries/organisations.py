"""Organisations as lists show them (name, kind, sector), a programme's providers, and who each scheme leaves out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from domain.organisation import Sector
from projections.progress.queries.reading import fetch, name_order
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class OrganisationFacts:
    """An organisation as a list shows it; `sector` is None for one registered before sectors were kept."""

    id: str
    name: str
    kind: str
    sector: str | None

    @property
    def sector_label(self) -> str | None:
        """The sector as a person reads it, e.g. `mental health`."""
        return Sector(self.sector).label if self.sector else None


@dataclass(frozen=True)
class LeftOut:
    """A provider of the programme left out of a scheme, and why."""

    provider_id: str
    reason: str


def organisations_listed(view: ProgressView) -> list[OrganisationFacts]:
    """Every organisation, in order of name (then id), the same on every database."""
    o = view.organisations
    rows = fetch(view, select(o.c.id, o.c.name, o.c.kind, o.c.sector))
    return sorted((OrganisationFacts(*r) for r in rows), key=lambda f: name_order(f.name, f.id))


def programme_providers(view: ProgressView, programme_id: str) -> list[OrganisationFacts]:
    """The providers that joined the programme, in order of name (then id)."""
    o, pr = view.organisations, view.providers
    query = (
        select(
            pr.c.provider_id, func.coalesce(o.c.name, pr.c.provider_id), func.coalesce(o.c.kind, "provider"), o.c.sector
        )
        .outerjoin(o, o.c.id == pr.c.provider_id)
        .where(pr.c.programme_id == programme_id)
    )
    return sorted((OrganisationFacts(*r) for r in fetch(view, query)), key=lambda f: name_order(f.name, f.id))


def scheme_exclusions(view: ProgressView, programme_id: str) -> dict[str, list[LeftOut]]:
    """For each scheme of the programme, the providers its terms in force (a draft's current terms) leave out."""
    s, x = view.schemes, view.exclusions
    in_force = func.coalesce(s.c.agreed_version, s.c.terms_version)
    query = (
        select(x.c.scheme_id, x.c.provider_id, x.c.reason)
        .join(s, and_(s.c.id == x.c.scheme_id, x.c.terms_version == in_force))
        .where(s.c.programme_id == programme_id)
    )
    names = {f.id: f.name for f in organisations_listed(view)}
    found: dict[str, list[LeftOut]] = {}
    for r in sorted(fetch(view, query), key=lambda r: name_order(names.get(r.provider_id, ""), r.provider_id)):
        found.setdefault(r.scheme_id, []).append(LeftOut(r.provider_id, r.reason))
    return found
