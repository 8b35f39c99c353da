"""What the lead presents for a scheme-quarter: the submissions it collated, each pinned to a revision."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class PackEntry:
    """One submission in a pack, pinned to the revision presented."""

    submission_id: UUID
    provider_id: UUID
    milestone_code: str
    revision: int


@dataclass(frozen=True)
class EvidencePack:
    """What the lead presented: the submissions by revision, and the provider-milestones missing."""

    number: int
    entries: tuple[PackEntry, ...]
    missing: tuple[str, ...]
