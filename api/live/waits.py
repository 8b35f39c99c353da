"""HTTP reads waiting for the views to reach a position (`?after=`), on the event loop: a wait holds no thread.

The hub advances the position as it hands over each batch the views committed, whichever process projected it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from domain.errors import DomainError


class PositionBeyondLogError(DomainError):
    """A position to wait for is one the log has reached."""


class Waits:
    """The views' position as the hub last delivered it, and the reads waiting for a later one."""

    def __init__(self, log_head: Callable[[], int | None]) -> None:
        self.log_head = log_head  # reads the log's last position (in a thread)
        self.position = 0
        self._head = 0  # the log's last position, as last read
        self._advanced: asyncio.Event | None = None  # set when the position moves, if a read is waiting

    def advance(self, position: int) -> None:
        """The views have reached `position`: wake the reads waiting."""
        self.position = max(self.position, position)
        if self._advanced is not None:
            self._advanced.set()
            self._advanced = None

    async def reached(self, position: int, timeout: float) -> bool:
        """Wait until the views have reached `position`; False after `timeout` seconds. PositionBeyondLogError,
        at once, if the log itself has not reached it: no wait would ever end."""
        if position <= self.position:
            return True
        if position > self._head:
            head: int | None = await asyncio.to_thread(self.log_head)
            self._head = max(self._head, head or 0)
            if position > self._head:
                raise PositionBeyondLogError(f"position {position} is beyond the log's last, {self._head}")
        try:
            async with asyncio.timeout(timeout):
                while self.position < position:
                    if self._advanced is None:
                        self._advanced = asyncio.Event()
                    await self._advanced.wait()
        except TimeoutError:
            return False
        return True
