"""Who may read what, decided in one place from the views: DOMAIN.md's table of who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import and_, select

from domain.actors import Actor, Role
from domain.application import Corral
from domain.errors import NotFoundError
from domain.submission import Submission
from projections.progress.reading import fetch
from projections.progress.view import ProgressView


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
    if programme and actor.role in (Role.COMMISSIONER, Role.AUDITOR) and programme[0].commissioner_id == organisation:
        schemes = fetch(view, select(view.schemes.c.id).where(view.schemes.c.programme_id == programme_id))
        return ProgrammeAccess(programme_id, True, None, frozenset(r.id for r in schemes), frozenset())
    if programme and actor.role is Role.PROVIDER:
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
    raise NotFoundError(f"no programme {programme_id} is yours to see")


def may_read_evidence(corral: Corral, actor: Actor, submission: Submission) -> None:
    """Evidence content is its provider's, its scheme lead's and the commissioner's to read; 404 to anyone else."""
    programme = corral.programme(submission.programme_id)
    if actor.role is Role.PROVIDER and actor.organisation_id in (
        submission.provider_id,
        programme.lead_of(submission.scheme_id),
    ):
        return
    if actor.role in (Role.COMMISSIONER, Role.AUDITOR) and actor.organisation_id == programme.commissioner_id:
        return
    raise NotFoundError(f"no submission {submission.id} is yours to read")


def readable_submission(corral: Corral, actor: Actor, submission_id: UUID) -> Submission:
    """The submission, if the actor may read its evidence; NotFoundError otherwise, as if it did not exist."""
    try:
        submission = corral.submission(submission_id)
        may_read_evidence(corral, actor, submission)
    except NotFoundError:
        raise NotFoundError(f"no submission {submission_id} is yours to read") from None
    return submission


def visible_programmes(view: ProgressView, actor: Actor) -> list[str]:
    """The programmes the actor may see at all."""
    organisation = str(actor.organisation_id)
    g, pr = view.programmes, view.providers
    if actor.role in (Role.COMMISSIONER, Role.AUDITOR):
        rows = fetch(view, select(g.c.id).where(g.c.commissioner_id == organisation).order_by(g.c.contract_year))
    elif actor.role is Role.PROVIDER:
        rows = fetch(view, select(pr.c.programme_id.label("id")).where(pr.c.provider_id == organisation))
    else:
        rows = []
    return [r.id for r in rows]
