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
    missing: tuple[str, ...]  # `<provider id>/<milestone code>`, as recorded

    @property
    def missing_milestones(self) -> tuple[tuple[UUID | None, str], ...]:
        """Each missing (provider id, milestone code); the provider is None where the record does not name one."""
        pairs: list[tuple[UUID | None, str]] = []
        for recorded in self.missing:
            provider, _, code = recorded.partition("/")
            try:
                pairs.append((UUID(provider), code))
            except ValueError:
                pairs.append((None, recorded))
        return tuple(pairs)

    def missing_named(self, names: dict[str, str]) -> list[str]:
        """`Devon Partnership NHS Trust: SE2` for each missing provider-milestone, by the organisations' names."""
        return [f"{names.get(str(p), 'a provider')}: {code}" for p, code in self.missing_milestones]
