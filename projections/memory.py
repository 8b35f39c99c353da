"""What a view's handlers remember from one event to the next (`View.remember` and `recall`), kept beyond its batch
only if the batch commits.

Facts of two kinds are kept apart, by the first part of their key:
- the set-up's (LASTING: organisations, people, programmes, schemes, their milestones and terms, who reads an
  inbox), which are few, bounded by how the programmes are set up rather than by the log, and asked for by event
  after event all through it: kept until the view starts again;
- every other, above all one for each submission, review or aggregate, which grow with the log: the least recently
  used are forgotten beyond the view's `memory`, so a rebuild of the whole log holds no more than that.

Without the first kind kept apart, a busy quarter's new submissions pushed out the titles of the very milestones they
were for, and the inbox read each one back from its table at every submission.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

LASTING = frozenset(
    {
        "organisation",
        "organisation of",
        "readers",
        "person",
        "programme",
        "programme of",
        "schemes in",
        "scheme",
        "milestone",
        "terms",
        "terms version",
        "endpoints",
    }
)


class Memory:
    """A view's remembered values: the batch's own (`pending`), then those of committed batches."""

    def __init__(self) -> None:
        self.pending: dict[Any, Any] = {}
        self.lasting: dict[Any, Any] = {}
        self.recent: OrderedDict[Any, Any] = OrderedDict()

    def remember(self, key: Any, value: Any) -> None:
        """Remember a value for this batch; `keep` keeps it beyond, `rolled_back` does not."""
        self.pending[key] = value

    @property
    def forgettable(self) -> int:
        """How many values of committed batches are held that may yet be forgotten (the set-up's are not counted)."""
        return len(self.recent)

    def recall(self, key: Any, default: Any = None) -> Any:
        """A value remembered by this batch or by a committed one not yet forgotten."""
        if key in self.pending:
            return self.pending[key]
        if key in self.lasting:
            return self.lasting[key]
        if key in self.recent:
            self.recent.move_to_end(key)
            return self.recent[key]
        return default

    def keep(self, size: int) -> None:
        """The batch committed: keep what it remembered (as the most recently used, unless it lasts), and forget
        beyond `size` values that do not last."""
        for key, value in self.pending.items():
            if _lasts(key):
                self.lasting[key] = value
            else:
                self.recent[key] = value
                self.recent.move_to_end(key)
        self.pending.clear()
        while len(self.recent) > size:
            self.recent.popitem(last=False)

    def rolled_back(self) -> None:
        """The batch did not commit: nothing it remembered is kept."""
        self.pending.clear()

    def clear(self) -> None:
        """Forget everything: what the view holds may no longer be what was remembered."""
        self.pending.clear()
        self.lasting.clear()
        self.recent.clear()


def _lasts(key: Any) -> bool:
    return isinstance(key, tuple) and bool(key) and key[0] in LASTING
