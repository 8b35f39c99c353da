"""Answers worked out from a view, kept until the view moves on.

A kept answer is filed under its key with the view's committed position, read before the answer was worked out. A
later read that finds the view at that same position is given the kept answer; one that finds it elsewhere works the
answer out afresh. An answer is kept only if the view is still at its position once it is worked out, so one read
from a view being rebuilt (its tables dropped and refilled) is given but never kept. So an answer is never older than
the position a read finds: its rows were read after that position (they may even hold a batch committed in between,
which the next read's position then shows). A position lower than the highest seen (a view rebuilt from the start)
forgets every kept answer.

The least recently read are forgotten first once more than `size` answers are kept, or once the text they hold passes
`most_bytes` (a national programme's payments are megabytes of JSON): an answer weighs the memory its strings take (a
page of JSON with its cursor), and one heavier than `most_bytes` on its own is given but not kept.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Event, Lock
from typing import Any, TypeVar, cast

from projections.view import View

T = TypeVar("T")
KEPT = 256  # answers kept at most, the least recently read forgotten first
KEPT_BYTES = 32_000_000  # bytes of text kept at most, likewise


class KeptAnswers:
    """Answers from one view, each kept under its key while the view stays at the position it was worked out at."""

    def __init__(self, view: View, size: int = KEPT, most_bytes: int = KEPT_BYTES) -> None:
        self.view, self.size, self.most_bytes = view, size, most_bytes
        self._lock = Lock()
        self._kept: OrderedDict[Hashable, tuple[int, Any, int]] = OrderedDict()  # position, answer, its weight
        self._highest = self._weight = 0
        self._flights: dict[tuple[Hashable, int], _Flight] = {}  # answers being worked out, by key and position

    def answer(self, key: Hashable, work_out: Callable[[], T]) -> T:
        """The answer kept under `key` at the view's position now, else `work_out()`, kept under it. Reads that miss
        the same answer at the same position while one is working it out wait for that one and are given its answer
        (read after that position, as theirs would be), kept or not; if it failed, they ask again, as new reads. So
        a burst of reads after a change works an answer out once."""
        position = self.view.position
        with self._lock:
            if position < self._highest:
                self._kept.clear()
                self._weight = 0
            self._highest = position
            found = self._found(key, position)
            if found is not None:
                return cast(T, found[0])
            flight = self._flights.get((key, position))
            leading = flight is None
            if flight is None:
                flight = self._flights[key, position] = _Flight()
        if not leading:
            flight.done.wait()
            return cast(T, flight.answer[0]) if flight.answer else self.answer(key, work_out)
        try:
            answer = self._worked_out(key, position, work_out)
            flight.answer = (answer,)
            return answer
        finally:
            with self._lock:
                del self._flights[key, position]
            flight.done.set()

    def _found(self, key: Hashable, position: int) -> tuple[Any] | None:
        """The answer kept under `key` at `position` (in a 1-tuple, as an answer may be None), marked as just read."""
        found = self._kept.get(key)
        if found is None or found[0] != position:
            return None
        self._kept.move_to_end(key)
        return (found[1],)

    def _worked_out(self, key: Hashable, position: int, work_out: Callable[[], T]) -> T:
        answer = work_out()
        if self.view.position != position:  # the view moved (or was dropped to be rebuilt) while it was worked out
            return answer
        weight = _weight(answer)
        with self._lock:
            if position < self._highest or weight > self.most_bytes:
                return answer
            self._forget(key)
            self._kept[key] = (position, answer, weight)
            self._weight += weight
            while len(self._kept) > self.size or self._weight > self.most_bytes:
                self._forget(next(iter(self._kept)))
        return answer

    def _forget(self, key: Hashable) -> None:
        found = self._kept.pop(key, None)
        if found is not None:
            self._weight -= found[2]


class _Flight:
    """An answer being worked out: done once it is (or failed), with the answer in a 1-tuple (empty if it failed)."""

    def __init__(self) -> None:
        self.done = Event()
        self.answer: tuple[Any, ...] = ()


def _weight(answer: Any) -> int:
    """The memory of the strings an answer holds, in it or in the tuples and lists it is made of (a character takes
    1, 2 or 4 bytes, as the widest in its string needs)."""
    if isinstance(answer, str):
        return sys.getsizeof(answer)
    if isinstance(answer, tuple | list):
        return sum(_weight(part) for part in answer)
    return 0
