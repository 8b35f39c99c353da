"""What a pack shows, from its point-in-time record (domain/pack_history.py): each provider's part, each pinned
revision with its milestone, figures, threshold maths, files, the lead's notes and the commissioner's decisions, every
fact attributed; the whole pack, or one provider's own part."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from domain.application import Corral
from domain.evidence import Attachment, Evidence
from domain.history import AssessedEvidence, as_of
from domain.milestones import Milestone, Quarter, contract_year_label
from domain.pack_history import PackQuery, PackRecord, PresentedRevision, pack_record
from domain.programme import Programme
from domain.scheme import Scheme
from domain.scheme_terms import SchemeTerms
from domain.record import Checkpoint
from web.packs.attribution import Attribution, Attributor
from web.pages.thresholds import ThresholdMaths, maths_of


@dataclass(frozen=True)
class PackFile:
    """An attachment of a pinned revision, where the archive keeps it, and its source."""

    path: str
    attachment: Attachment
    submission_id: UUID
    source: Attribution


@dataclass(frozen=True)
class Decision:
    """An assessment or revision on appeal made on this pack, attributed."""

    recorded: AssessedEvidence
    source: Attribution


@dataclass(frozen=True)
class EntryShown:
    """One provider-milestone's presented evidence and what became of it."""

    anchor: str
    milestone: Milestone
    revision: PresentedRevision
    submitted: Attribution
    accepted: Attribution | None
    maths: ThresholdMaths | None
    files: tuple[PackFile, ...]
    decisions: tuple[Decision, ...]

    @property
    def evidence(self) -> Evidence:
        """The evidence of the pinned revision."""
        return self.revision.evidence


@dataclass(frozen=True)
class Part:
    """One provider's part of the pack: its presented evidence, what was missing, and decisions on the missing."""

    anchor: str
    provider_id: UUID
    provider: str
    entries: tuple[EntryShown, ...]
    missing: tuple[str, ...]
    other_decisions: tuple[Decision, ...]


@dataclass(frozen=True)
class PackContents:
    """Everything one download of a pack shows, fixed at the pack's point in time."""

    scheme_id: UUID
    scheme_title: str
    programme: str
    commissioner: str
    lead: str
    quarter: Quarter
    number: int
    part_of: str | None
    presented: Attribution
    last: Attribution
    parts: tuple[Part, ...]
    queries: tuple[tuple[PackQuery, Attribution], ...]
    checkpoint: Checkpoint | None

    @property
    def files(self) -> tuple[PackFile, ...]:
        """Every attachment in the pack, in the order the archive keeps them."""
        return tuple(f for part in self.parts for entry in part.entries for f in entry.files)

    @property
    def name(self) -> str:
        """The downloads' file name, without its extension."""
        return f"{_safe(self.scheme_title)}-{self.quarter.value}-pack-{self.number}"


def pack_contents(corral: Corral, scheme_id: UUID, quarter: Quarter, number: int, part: UUID | None) -> PackContents:
    """Pack `number` as presented: the whole pack, or with `part` only that provider's own part."""
    record = pack_record(corral, scheme_id, quarter, number)
    names = Attributor(corral, record.last.at)
    scheme = as_of(corral, scheme_id, record.presented.at)
    assert isinstance(scheme, Scheme)
    programme = as_of(corral, scheme.programme_id, record.last.at)
    assert isinstance(programme, Programme)
    providers = {*(e.entry.provider_id for e in record.entries), *_missing_providers(record)}
    shown = [part] if part is not None else sorted(providers, key=str)
    parts = [_part(record, names, scheme.agreed_terms, provider) for provider in shown]
    last = names.of(record.last)
    return PackContents(
        scheme_id=scheme_id,
        scheme_title=scheme.agreed_terms.title,
        programme=f"{programme.health_economy} {contract_year_label(programme.contract_year)}",
        commissioner=names.organisation(scheme.commissioner_id)[0],
        lead=names.organisation(record.presented.organisation_id)[0],
        quarter=quarter,
        number=number,
        part_of=names.organisation(part)[0] if part is not None else None,
        presented=names.of(record.presented),
        last=last,
        parts=tuple(sorted(parts, key=lambda p: p.provider)),
        queries=() if part is not None else tuple((q, names.of(q.source)) for q in record.queries),
        checkpoint=corral.record.checkpoint_covering(last.position) if last.position is not None else None,
    )


def _missing_providers(record: PackRecord) -> list[UUID]:
    return [p for p, _ in record.pack.missing_milestones if p is not None]


def _part(record: PackRecord, names: Attributor, terms: SchemeTerms, provider_id: UUID) -> Part:
    """One provider's part: its entries by milestone code, with the decisions made on this pack."""
    name, code = names.organisation(provider_id)
    decisions = [
        Decision(d, names.of(source)) for d, source in record.decisions if d.assessment.provider_id == provider_id
    ]
    revisions = sorted(
        (r for r in record.entries if r.entry.provider_id == provider_id), key=lambda r: r.entry.milestone_code
    )
    entries = tuple(_entry(r, names, terms.milestone(r.entry.milestone_code), code, decisions) for r in revisions)
    presented = {e.milestone.code for e in entries}
    return Part(
        anchor=f"provider-{_safe(code).lower()}",
        provider_id=provider_id,
        provider=name,
        entries=entries,
        missing=tuple(c for p, c in record.pack.missing_milestones if p == provider_id),
        other_decisions=tuple(d for d in decisions if d.recorded.assessment.milestone_code not in presented),
    )


def _entry(
    revision: PresentedRevision, names: Attributor, milestone: Milestone, code: str, decisions: list[Decision]
) -> EntryShown:
    """One pinned revision, attributed, with its files placed under `attachments/<provider>/<milestone>/`."""
    entry = revision.entry
    submitted = names.of(revision.submitted, entry.revision)
    folder = f"attachments/{_safe(code)}/{_safe(milestone.code)}"
    taken: set[str] = set()
    files = []
    for attachment in revision.evidence.attachments:
        name = _safe(attachment.name)
        name = name if name not in taken else f"{attachment.sha256[:12]}-{name}"
        taken.add(name)
        files.append(PackFile(f"{folder}/{name}", attachment, entry.submission_id, submitted))
    return EntryShown(
        anchor=f"entry-{_safe(code).lower()}-{_safe(milestone.code).lower()}",
        milestone=milestone,
        revision=revision,
        submitted=submitted,
        accepted=names.of(revision.accepted) if revision.accepted is not None else None,
        maths=maths_of(milestone, revision.evidence.figures),
        files=tuple(files),
        decisions=tuple(d for d in decisions if d.recorded.assessment.milestone_code == milestone.code),
    )


def _safe(text: str) -> str:
    """A name safe in a file path and an anchor: letters, digits, dots, dashes and underscores."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "file"
