"""Who may see which rows of the progress view: DOMAIN.md's table of who may read what, decided from the view.

Something a caller may not see reads exactly like something that does not exist: `unseen` gives one wording per
kind of thing for both, naming only the ids the caller gave, never a parent it did not name.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import and_, or_, select

from domain.actors import Actor, Role
from domain.errors import NotFoundError
from projections.progress.queries.reading import fetch, programme_order
from projections.progress.view import ProgressView


def unseen(what: str) -> NotFoundError:
    """The answer for a thing that does not exist and for one that is not the caller's to see: the same words."""
    return NotFoundError(f"no {what} is yours to see")


@dataclass(frozen=True)
class ProgrammeAccess:
    """What one actor may see of one programme."""

    programme_id: str
    everything: bool
    provider_id: str | None
    schemes: frozenset[str]
    leads: frozenset[str]

    def may_see_money_of(self, provider_id: str) -> bool:
        """The commissioner and auditor see everyone's money; a provider only its own."""
        return self.everything or provider_id == self.provider_id


def programme_access(view: ProgressView, actor: Actor, programme_id: str) -> ProgrammeAccess:
    """The actor's access to a programme, or NotFoundError if it is none of theirs to see."""
    organisation = str(actor.organisation_id)
    programme = fetch(view, select(view.programmes.c.commissioner_id).where(view.programmes.c.id == programme_id))
    commissioning = actor.reads_as(Role.COMMISSIONER, UUID(programme_id)) if programme else False
    if commissioning and programme[0].commissioner_id == organisation:
        schemes = fetch(view, select(view.schemes.c.id).where(view.schemes.c.programme_id == programme_id))
        return ProgrammeAccess(programme_id, True, None, frozenset(r.id for r in schemes), frozenset())
    if programme and actor.reads_as(Role.PROVIDER, UUID(programme_id)):
        s, pa = view.schemes, view.participants
        rows = fetch(
            view,
            select(s.c.id, s.c.lead_id)
            .join(pa, and_(pa.c.scheme_id == s.c.id, pa.c.terms_version == s.c.agreed_version))
            .where(s.c.programme_id == programme_id, pa.c.provider_id == organisation),
        )
        joined = fetch(
            view,
            select(view.providers.c.provider_id).where(
                view.providers.c.programme_id == programme_id, view.providers.c.provider_id == organisation
            ),
        )
        if joined:
            leads = frozenset(r.id for r in rows if r.lead_id == organisation)
            return ProgrammeAccess(programme_id, False, organisation, frozenset(r.id for r in rows), leads)
    raise unseen("programme with that id")


def visible_programmes(view: ProgressView, actor: Actor) -> list[str]:
    """The programmes the actor may see at all, in `programme_order`: an auditor, only those granted."""
    organisation = str(actor.organisation_id)
    g, pr = view.programmes, view.providers
    query = select(g.c.id, g.c.contract_year, g.c.health_economy)
    if actor.role in (Role.COMMISSIONER, Role.FINANCE_APPROVER):
        rows = fetch(view, query.where(g.c.commissioner_id == organisation))
    elif actor.role is Role.PROVIDER:
        rows = fetch(view, query.join(pr, pr.c.programme_id == g.c.id).where(pr.c.provider_id == organisation))
    elif actor.role is Role.AUDITOR:  # the programmes granted, of those the organisation still takes part in
        provided = select(pr.c.programme_id).where(pr.c.provider_id == organisation)
        taken_part = or_(g.c.commissioner_id == organisation, g.c.id.in_(provided))
        rows = fetch(view, query.where(g.c.id.in_([str(p) for p in actor.programmes]), taken_part))
    else:
        rows = []
    return [r.id for r in sorted(rows, key=lambda r: programme_order(r.contract_year, r.health_economy, r.id))]


def provider_table_access(view: ProgressView, actor: Actor, programme_id: str, provider_id: str) -> ProgrammeAccess:
    """A provider's Q1-Q4 table is the commissioner's, the auditor's and that provider's; NotFoundError otherwise."""
    what = "table of that provider in that programme"
    try:
        access = programme_access(view, actor, programme_id)
    except NotFoundError:
        raise unseen(what) from None
    if not access.may_see_money_of(provider_id):
        raise unseen(what)
    return access


def audit_access(view: ProgressView, actor: Actor, programme_id: str) -> ProgrammeAccess:
    """A programme's audit trail is its commissioner's staff's and auditors' to read; NotFoundError otherwise."""
    what = "audit trail of that programme"
    try:
        access = programme_access(view, actor, programme_id)
    except NotFoundError:
        raise unseen(what) from None
    if not access.everything:
        raise unseen(what)
    return access


def board_access(view: ProgressView, actor: Actor, scheme_id: str) -> ProgrammeAccess:
    """A scheme's collation board is its lead's and the commissioner's; NotFoundError otherwise."""
    return _scheme_quarter_access(view, actor, scheme_id, "collation board of that scheme", lead_reads=True)


def review_access(view: ProgressView, actor: Actor, scheme_id: str, lead_reads: bool = True) -> ProgrammeAccess:
    """A scheme-quarter's review is the commissioner's (and, where `lead_reads`, the lead's); NotFoundError else."""
    return _scheme_quarter_access(view, actor, scheme_id, "review of that scheme", lead_reads)


def pack_part(view: ProgressView, actor: Actor, scheme_id: str) -> str | None:
    """Whose part of a scheme's evidence packs the actor may read: None for the whole pack (the commissioner's staff,
    the auditor, the lead), the provider's own id for another participant; NotFoundError for anyone else."""
    what = "evidence pack of that scheme"
    access = _scheme_quarter_access(view, actor, scheme_id, what, lead_reads=True, participant_reads=True)
    return None if access.everything or scheme_id in access.leads else access.provider_id


def _scheme_quarter_access(
    view: ProgressView, actor: Actor, scheme_id: str, what: str, lead_reads: bool, participant_reads: bool = False
) -> ProgrammeAccess:
    s = view.schemes
    found = fetch(view, select(s.c.programme_id).where(s.c.id == scheme_id))
    if not found:
        raise unseen(what)
    try:
        access = programme_access(view, actor, found[0].programme_id)
    except NotFoundError:
        raise unseen(what) from None
    led = lead_reads and scheme_id in access.leads
    if not (access.everything or led or (participant_reads and scheme_id in access.schemes)):
        raise unseen(what)
    return access


def may_read_dashboard(actor: Actor, provider_id: UUID) -> None:
    """A provider's home is its own staff's only."""
    if actor.role is not Role.PROVIDER or actor.organisation_id != provider_id:
        raise unseen("dashboard of that provider")
