"""Answers read off the event loop, remembered until something that may change them is heard, and asked once at a time.

A thousand sockets opened with one token need one look-up, not a thousand threads: those asking while a look-up
runs wait for it and take its answer. A look-up runs in the event loop's default executor, a few threads whatever
the number of sockets. An answer is kept only if nothing was forgotten while it was read, so a change heard
mid-read is never hidden by an answer read before it; a refusal (an exception) is never kept.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

REMEMBERED = 10_000  # answers kept at most, the least recently asked dropped first


class Memo(Generic[K, V]):
    """Answers by key, until forgotten."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self.answers: OrderedDict[K, V] = OrderedDict()
        self.asking: dict[K, asyncio.Event] = {}
        self.forgotten = 0  # moves whenever anything is forgotten: an answer read across it is not kept

    def forget(self, keys: Iterable[K] | None = None) -> None:
        """Forget these answers (all of them with None), and any being read now."""
        self.forgotten += 1
        if keys is None:
            self.answers.clear()
        for key in keys or ():
            self.answers.pop(key, None)

    async def get(self, key: K, look_up: Callable[[], V]) -> V:
        """The remembered answer, else the one a look-up running now finds, else `look_up()` in a thread."""
        while key not in self.answers:
            running = self.asking.get(key)
            if running is None:
                return await self._look_up(key, look_up)
            await running.wait()  # then take its answer, or (refused or forgotten meanwhile) ask again
        self.answers.move_to_end(key)
        return self.answers[key]

    async def _look_up(self, key: K, look_up: Callable[[], V]) -> V:
        running = self.asking[key] = asyncio.Event()
        forgotten = self.forgotten
        try:
            answer = await asyncio.to_thread(look_up)
            if forgotten == self.forgotten:
                self.answers[key] = answer
                while len(self.answers) > self.size:
                    self.answers.popitem(last=False)
            return answer
        finally:
            del self.asking[key]
            running.set()
