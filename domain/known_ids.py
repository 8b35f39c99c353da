"""Which aggregates the log holds: every one's id, so that an aggregate never recorded is known to be absent without
a read of the store.

Commands often look for an aggregate that is not there yet: each first submission of a scheme's quarter looks for
that quarter's review, which only a nudge, a query or the pack opens. The repository (domain/repository.py) lists
every id in the log when its cache starts, after reading the position it starts from (so nothing recorded up to that
position is left out; an id recorded just after it may be in too, which costs only a read), and learns each new id
from the log's events as it catches up. So "not known" means "not in the log as of this scope's catch-up", as
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

    def aggregate_ids(self) -> Iterable[Any]:
        """Every aggregate's id (a UUID, or its text), once each."""


class KnownIds:
    """The ids of every aggregate in the log up to the cache's position (and maybe a few after), or none at all when
    the log cannot list them or holds too many: then nothing is known to be absent."""

    def __init__(self, recorder: object = None) -> None:
        self.ids: set[int] | None = None
        if isinstance(recorder, ListsAggregates):
            self.ids = set()
            self.learn(*recorder.aggregate_ids())

    def absent(self, aggregate_id: UUID) -> bool:
        """True if the log surely holds no aggregate of this id."""
        ids = self.ids
        return ids is not None and aggregate_id.int not in ids

    def learn(self, *aggregate_ids: Any) -> None:
        """These are in the log now; past LIMIT ids, the list is given up."""
        ids = self.ids
        if ids is None:
            return
        ids.update(as_uuid(each).int for each in aggregate_ids)
        if len(ids) > LIMIT:
            self.ids = None


def as_uuid(aggregate_id: UUID | str) -> UUID:
    """The id as the log's events name it (a UUID, not its text)."""
    return aggregate_id if type(aggregate_id) is UUID else UUID(str(aggregate_id))
