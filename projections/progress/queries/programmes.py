"""Programmes and schemes by name: the list a reader may see, a page's heading, and the choices a filter offers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from sqlalchemy import or_, select

from domain.actors import Actor
from domain.errors import NotFoundError
from projections.progress.queries.access import ProgrammeAccess, programme_access, visible_programmes
from projections.progress.queries.organisations import programme_providers
from projections.progress.queries.reading import fetch, name_order, programme_order
from projections.progress.view import ProgressView


@dataclass(frozen=True)
class ProgrammeFacts:
    """A programme as a list of programmes shows it: the years it continues and is continued by, if the reader may
    see them."""

    id: str
    commissioner_id: str
    health_economy: str
    contract_year: int
    continues: str | None = None
    continued_by: str | None = None


@dataclass(frozen=True)
class ProgrammeHeading:
    """What a page says about the programme it belongs to."""

    id: str
    health_economy: str
    contract_year: int
    access: ProgrammeAccess


@dataclass(frozen=True)
class SchemeHeading:
    id: str
    title: str
    lead_id: str | None


def programmes_for(view: ProgressView, actor: Actor, year: int | None = None) -> list[ProgrammeFacts]:
    """Every programme the actor may see (of `year` alone, when given), in `visible_programmes`' order."""
    g = view.programmes
    columns = (g.c.id, g.c.commissioner_id, g.c.health_economy, g.c.contract_year, g.c.continues, g.c.continued_by)
    query = select(*columns) if year is None else select(*columns).where(g.c.contract_year == year)
    rows = {r.id: ProgrammeFacts(*r) for r in fetch(view, query)}
    visible = visible_programmes(view, actor)
    return [_seen(rows[i], set(visible)) for i in visible if i in rows]


def programme_key(programme: ProgrammeFacts) -> tuple[int, str, str, str]:
    """A programme's place in every list of programmes (`programme_order`), flat."""
    return programme.contract_year, *name_order(programme.health_economy, programme.id)


def every_programme(view: ProgressView) -> list[ProgrammeFacts]:
    """Every programme, for the server's operator at the command line, oldest year first, then by name."""
    g = view.programmes
    rows = fetch(view, select(g.c.id, g.c.commissioner_id, g.c.health_economy, g.c.contract_year))
    facts = [ProgrammeFacts(*r) for r in rows]
    return sorted(facts, key=lambda p: programme_order(p.contract_year, p.health_economy, p.id))


def linked_years(view: ProgressView, actor: Actor, programme_id: UUID | str) -> tuple[ProgrammeFacts | None, ...]:
    """The programme the actor's programme continues and the one that continues it, each if the actor may see it."""
    seen = {p.id: p for p in programmes_for(view, actor)}
    shown = seen.get(str(programme_id))
    if shown is None:
        return None, None
    return seen.get(shown.continues or ""), seen.get(shown.continued_by or "")


def _seen(programme: ProgrammeFacts, visible: set[str]) -> ProgrammeFacts:
    """The programme with its links to the years the reader may not see left out, as if they did not exist."""
    continues = programme.continues if programme.continues in visible else None
    continued_by = programme.continued_by if programme.continued_by in visible else None
    return replace(programme, continues=continues, continued_by=continued_by)


def programmes_taken_part_in(view: ProgressView, organisation_id: UUID) -> list[ProgrammeFacts]:
    """Every programme the organisation commissions or provides for: those its administrator may grant auditors."""
    g, pr = view.programmes, view.providers
    organisation = str(organisation_id)
    provided = select(pr.c.programme_id).where(pr.c.provider_id == organisation)
    query = (
        select(g.c.id, g.c.commissioner_id, g.c.health_economy, g.c.contract_year)
        .where(or_(g.c.commissioner_id == organisation, g.c.id.in_(provided)))
        .order_by(g.c.contract_year, g.c.health_economy)
    )
    return [ProgrammeFacts(*r) for r in fetch(view, query)]


def programme_heading(view: ProgressView, actor: Actor, programme_id: UUID | str) -> ProgrammeHeading:
    """The programme, if the actor may see it; NotFoundError otherwise."""
    access = programme_access(view, actor, str(programme_id))
    g = view.programmes
    row = fetch(view, select(g.c.health_economy, g.c.contract_year).where(g.c.id == str(programme_id)))[0]
    return ProgrammeHeading(str(programme_id), row.health_economy, row.contract_year, access)


def scheme_row(view: ProgressView, scheme_id: UUID | str) -> tuple[str, str, str | None]:
    """(programme id, title, lead id) of a scheme; NotFoundError if there is none."""
    s = view.schemes
    rows = fetch(view, select(s.c.programme_id, s.c.title, s.c.lead_id).where(s.c.id == str(scheme_id)))
    if not rows:
        raise NotFoundError("there is no scheme with that id")
    return rows[0].programme_id, rows[0].title, rows[0].lead_id


def scheme_headings(view: ProgressView, programme_id: str) -> list[SchemeHeading]:
    """The programme's schemes, drafts too, in the order they were drafted."""
    s = view.schemes
    query = select(s.c.id, s.c.title, s.c.lead_id).where(s.c.programme_id == programme_id).order_by(s.c.ordinal, s.c.id)
    return [SchemeHeading(r.id, r.title, r.lead_id) for r in fetch(view, query)]


def provider_names(view: ProgressView, programme_id: str) -> dict[str, str]:
    """The name of each provider that joined the programme, by id, in order of name (then id)."""
    return {p.id: p.name for p in programme_providers(view, programme_id)}


def agreed_scheme_ids(view: ProgressView) -> set[str]:
    """Every scheme whose terms have been agreed."""
    s = view.schemes
    return {r.id for r in fetch(view, select(s.c.id).where(s.c.agreed_version.is_not(None)))}
