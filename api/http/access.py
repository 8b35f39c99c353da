"""Who may read what, decided from the aggregates: DOMAIN.md's table of who may do what.

What is decided from the views (a programme's rows, a board, the audit trail) is in projections/progress/queries/
access.py; both answer something unseen in `unseen`'s words, exactly as something that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from api.storage.attachments import AttachmentStore, StoredFile
from domain.actors import Actor, Role
from domain.application import Corral
from domain.errors import NotFoundError, NotPermittedError
from domain.programme import Programme
from domain.scheme import Scheme
from domain.submission import Submission
from projections.progress.queries.access import unseen


def may_know_programme(corral: Corral, actor: Actor, programme_id: UUID) -> None:
    """NotFoundError, as if it did not exist, unless the actor is of the programme's commissioner or its providers
    (an auditor: only if granted it)."""
    try:
        programme = corral.programme_to_read(programme_id)
    except NotFoundError:
        raise unseen("programme with that id") from None
    commissioning = (
        actor.reads_as(Role.COMMISSIONER, programme_id) and actor.organisation_id == programme.commissioner_id
    )
    providing = actor.reads_as(Role.PROVIDER, programme_id) and actor.organisation_id in programme.provider_ids
    if not (commissioning or providing):
        raise unseen("programme with that id")


def commissioned_programme(corral: Corral, actor: Actor, programme_id: UUID) -> Programme:
    """The programme, for its commissioner's staff; to anyone else NotFoundError, as if it did not exist."""
    try:
        programme = corral.programme(programme_id)
    except NotFoundError:
        raise unseen("programme with that id") from None
    if actor.role is not Role.COMMISSIONER or actor.organisation_id != programme.commissioner_id:
        raise unseen("programme with that id")
    return programme


def may_read_terms(actor: Actor, scheme: Scheme) -> None:
    """A scheme's terms: its commissioner's staff and auditors, and every provider named in any version of them."""
    commissioning = actor.reads_as(Role.COMMISSIONER, scheme.programme_id)
    if commissioning and actor.organisation_id == scheme.commissioner_id:
        return
    named = scheme.terms.provider_ids.union(*(v.terms.provider_ids for v in scheme.agreed_versions))
    if actor.reads_as(Role.PROVIDER, scheme.programme_id) and actor.organisation_id in named:
        return
    raise unseen("scheme with that id")


def readable_scheme(corral: Corral, actor: Actor, scheme_id: UUID) -> Scheme:
    """The scheme, if the actor may know of it at all (`may_read_terms`); NotFoundError otherwise."""
    return _readable(corral.scheme, actor, scheme_id)


def _readable(load: Callable[[UUID], Scheme], actor: Actor, scheme_id: UUID) -> Scheme:
    try:
        scheme = load(scheme_id)
        may_read_terms(actor, scheme)
    except NotFoundError:
        raise unseen("scheme with that id") from None
    return scheme


def commissioned_scheme(corral: Corral, actor: Actor, scheme_id: UUID) -> Scheme:
    """The scheme, for its commissioner's staff; to anyone else NotFoundError, as if it did not exist."""
    scheme = readable_scheme(corral, actor, scheme_id)
    if actor.role is not Role.COMMISSIONER or actor.organisation_id != scheme.commissioner_id:
        raise unseen("scheme with that id")
    return scheme


def may_know_scheme(corral: Corral, actor: Actor, scheme_id: UUID) -> None:
    """NotFoundError, as if it did not exist, unless the actor may read its terms (a provider left out may not): the
    cached scheme read, not a copy of it (a check of every request to a scheme's routes)."""
    _readable(corral.scheme_to_read, actor, scheme_id)


def may_read_assessments(corral: Corral, actor: Actor, scheme_id: UUID, provider_id: UUID) -> None:
    """A provider-milestone's decisions and evidence: the commissioner, the auditor, that provider and the lead."""
    what = "assessment history of that provider in that scheme"
    try:
        scheme = readable_scheme(corral, actor, scheme_id)
    except NotFoundError:
        raise unseen(what) from None
    programme = corral.programme(scheme.programme_id)
    commissioner = (
        actor.reads_as(Role.COMMISSIONER, programme.id) and actor.organisation_id == programme.commissioner_id
    )
    concerned = actor.reads_as(Role.PROVIDER, programme.id) and actor.organisation_id in (
        provider_id,
        programme.lead_of(scheme_id),
    )
    if not (commissioner or concerned):
        raise unseen(what)


def may_read_evidence(corral: Corral, actor: Actor, submission: Submission) -> None:
    """Evidence content is its provider's, its scheme lead's and the commissioner's to read; 404 to anyone else."""
    programme = corral.programme(submission.programme_id)
    if actor.reads_as(Role.PROVIDER, programme.id) and actor.organisation_id in (
        submission.provider_id,
        programme.lead_of(submission.scheme_id),
    ):
        return
    if actor.reads_as(Role.COMMISSIONER, programme.id) and actor.organisation_id == programme.commissioner_id:
        return
    raise unseen("submission with that id")


def readable_submission(corral: Corral, actor: Actor, submission_id: UUID) -> Submission:
    """The submission, if the actor may read its evidence; NotFoundError otherwise, as if it did not exist."""
    try:
        submission = corral.submission(submission_id)
        may_read_evidence(corral, actor, submission)
    except NotFoundError:
        raise unseen("submission with that id") from None
    return submission


def readable_file(corral: Corral, actor: Actor, submission_id: UUID, sha256: str, store: AttachmentStore) -> StoredFile:
    """A file of evidence the actor may read, as stored; one NotFoundError for evidence not theirs, or no such file."""
    what = "file with that SHA-256 in that submission"
    try:
        submission = readable_submission(corral, actor, submission_id)
    except NotFoundError:
        raise unseen(what) from None
    named = next((a for e in submission.revisions for a in e.attachments if a.sha256 == sha256), None)
    stored = store.stored(sha256, named.name) if named is not None else None
    if stored is None:
        raise unseen(what)
    return stored


def may_attach_evidence(actor: Actor) -> None:
    """Only provider staff upload evidence files."""
    if actor.role is not Role.PROVIDER:
        raise NotPermittedError("only provider staff attach evidence")
