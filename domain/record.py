"""The record proves itself (DOMAIN.md): where each event sits in the log, the hash that chains it to the event
before, and the signed checkpoints of the chain's head. The event store answers these questions (api/storage);
the domain names them, so whatever cites an event (an evidence pack) can say exactly which one it means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable
from uuid import UUID


@dataclass(frozen=True)
class Link:
    """One stored event's place in the log: its position, and the chain hash over it and every event before it
    (hex SHA-256; None where the log has not been chained yet)."""

    position: int
    hash: str | None


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at `position`, signed: anyone holding the verify key can check that nothing up to the
    position has been rewritten since. `document` is the checkpoint file's text, exactly as exported."""

    position: int
    hash: str
    taken_at: datetime
    key_id: str
    document: str


@runtime_checkable
class LogRecord(Protocol):
    """Questions about the log itself, answered by the event store."""

    def link(self, originator_id: UUID, version: int) -> Link | None:
        """The place of an aggregate's event of this version in the log, or None if there is no such event."""

    def checkpoint_covering(self, position: int) -> Checkpoint | None:
        """The first checkpoint recorded at or after `position`, or None while no checkpoint covers it yet. The first,
        not the latest: what cites it then stays the same for ever."""
