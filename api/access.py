"""Who may read what, decided in one place from the views: DOMAIN.md's table of who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import and_, select

from domain.actors import Actor, Role
from domain.application import Corral
from domain.errors import NotFoundError, NotPermittedError
from domain.scheme import Scheme
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


def may_know_programme(corral: Corral, actor: Actor, programme_id: UUID) -> None:
    """NotFoundError, as if it did not exist, unless the actor's organisation is the programme's commissioner or
    one of its providers."""
    unseen = NotFoundError(f"no programme {programme_id} is yours to see")
    try:
        programme = corral.programme(programme_id)
    except NotFoundError:
        raise unseen from None
    if actor.organisation_id not in (programme.commissioner_id, *programme.provider_ids):
        raise unseen


def may_know_scheme(corral: Corral, actor: Actor, scheme_id: UUID) -> None:
    """NotFoundError, as if it did not exist, unless the actor may know of the scheme's programme."""
    try:
        programme_id = corral.scheme(scheme_id).programme_id
    except NotFoundError:
        raise NotFoundError(f"no scheme {scheme_id} is yours to see") from None
    try:
        may_know_programme(corral, actor, programme_id)
    except NotFoundError:
        raise NotFoundError(f"no scheme {scheme_id} is yours to see") from None


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


def provider_table_access(view: ProgressView, actor: Actor, programme_id: str, provider_id: str) -> ProgrammeAccess:
    """A provider's Q1-Q4 table is the commissioner's, the auditor's and that provider's; NotFoundError otherwise."""
    access = programme_access(view, actor, programme_id)
    if not access.may_see_money_of(provider_id):
        raise NotFoundError("that provider's table is not yours to read")
    return access


def board_access(view: ProgressView, actor: Actor, scheme_id: str) -> ProgrammeAccess:
    """A scheme's collation board is its lead's and the commissioner's; NotFoundError otherwise."""
    s = view.schemes
    found = fetch(view, select(s.c.programme_id).where(s.c.id == scheme_id))
    if not found:
        raise NotFoundError(f"no scheme {scheme_id}")
    access = programme_access(view, actor, found[0].programme_id)
    if not access.everything and scheme_id not in access.leads:
        raise NotFoundError("only the scheme's lead and the commissioner read its collation board")
    return access


def commissioner_access(view: ProgressView, actor: Actor, programme_id: str, what: str) -> ProgrammeAccess:
    """Access that only the commissioner's staff and its auditors have, such as the audit trail; NotFoundError else."""
    access = programme_access(view, actor, programme_id)
    if not access.everything:
        raise NotFoundError(f"{what} is the commissioner's and the auditor's to read")
    return access


def may_read_assessments(corral: Corral, actor: Actor, scheme_id: UUID, provider_id: UUID) -> None:
    """A provider-milestone's decisions and evidence: the commissioner, the auditor, that provider and the lead."""
    programme = corral.programme(corral.scheme(scheme_id).programme_id)
    commissioner = (
        actor.role in (Role.COMMISSIONER, Role.AUDITOR) and actor.organisation_id == programme.commissioner_id
    )
    concerned = actor.role is Role.PROVIDER and actor.organisation_id in (provider_id, programme.lead_of(scheme_id))
    if not (commissioner or concerned):
        raise NotFoundError("that assessment's evidence is not yours to read")


def may_read_dashboard(actor: Actor, provider_id: UUID) -> None:
    """A provider's home is its own staff's only."""
    if actor.role is not Role.PROVIDER or actor.organisation_id != provider_id:
        raise NotFoundError("that dashboard is not yours to read")


def may_attach_evidence(actor: Actor) -> None:
    """Only provider staff upload evidence files."""
    if actor.role is not Role.PROVIDER:
        raise NotPermittedError("only provider staff attach evidence")


def may_read_terms(actor: Actor, scheme: Scheme) -> None:
    """A scheme's terms: its commissioner's staff and auditors, and every provider named in any version of them."""
    if actor.role in (Role.COMMISSIONER, Role.AUDITOR) and actor.organisation_id == scheme.commissioner_id:
        return
    named = scheme.terms.provider_ids.union(*(v.terms.provider_ids for v in scheme.agreed_versions))
    if actor.role is Role.PROVIDER and actor.organisation_id in named:
        return
    raise NotFoundError(f"no scheme {scheme.id} is yours to read")
