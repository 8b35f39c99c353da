"""Which aggregates the log holds: every one's id, so that an aggregate never recorded is known to be absent without
a read of the store.

Commands often look for an aggregate that is not there yet: each first submission of a scheme's quarter looks for
that quarter's review, which only a nudge, a query or the pack opens. The repository (domain/repository.py) lists
every id in the log when its cache starts, after reading the position it starts from (so nothing recorded up to that
position is left out; an id recorded just after it may be in too, which costs only a read), and learns each new id
from the log's events as it catches up, or, when it starts again far behind the log, by listing only those recorded
since it last caught up. So "not known" means "not in the log as of this scope's catch-up", as
everything else the cache says is as of then.

Ids are kept as integers (about 86 bytes each). A log with more than LIMIT aggregates is not listed: its absent
aggregates are looked for in the store, as the library does, rather than hold an unbounded set in every process.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

LIMIT = 250_000  # ids kept at most (about 21 MB); beyond that, absence is asked of the store


@runtime_checkable
class ListsAggregates(Protocol):
    """A log that can list the id of every aggregate it holds."""

    def aggregate_ids(self, after: int | None = None) -> Iterable[Any]:
        """Every aggregate's id (a UUID, its text or its 16 bytes), once each; or those first recorded after the
        position `after`."""


class KnownIds:
    """The ids of every aggregate in the log up to the cache's position (and maybe a few after), or none at all when
    the log cannot list them or holds too many: then nothing is known to be absent."""

    def __init__(self, recorder: object = None) -> None:
        self.ids: set[int] | None = None
        if isinstance(recorder, ListsAggregates):
            self.ids = set()
            self.learn(recorder.aggregate_ids())

    def learn_since(self, recorder: object, position: int) -> None:
        """Learn the ids the log has recorded since the position (those before it are known already)."""
        if self.ids is not None and isinstance(recorder, ListsAggregates):
            self.learn(recorder.aggregate_ids(after=position))

    def absent(self, aggregate_id: UUID) -> bool:
        """True if the log surely holds no aggregate of this id."""
        ids = self.ids
        return ids is not None and aggregate_id.int not in ids

    def learn(self, aggregate_ids: Iterable[Any]) -> None:
        """These are in the log now; past LIMIT ids, the list is given up."""
        ids = self.ids
        if ids is None:
            return
        ids.update(map(as_int, aggregate_ids))
        if len(ids) > LIMIT:
            self.ids = None


def as_int(aggregate_id: UUID | str | bytes) -> int:
    """The id as a number, from a UUID, its text (with dashes or without) or its 16 bytes."""
    if type(aggregate_id) is UUID:
        return aggregate_id.int
    if isinstance(aggregate_id, bytes | bytearray | memoryview):
        return int.from_bytes(aggregate_id, "big")
    return int(str(aggregate_id).replace("-", ""), 16)


def as_uuid(aggregate_id: UUID | str) -> UUID:
    """The id as the log's events name it (a UUID, not its text)."""
    return aggregate_id if type(aggregate_id) is UUID else UUID(str(aggregate_id))
