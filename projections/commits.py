"""Where this process last committed a view, and the threads waiting for it to move: a commit wakes them at once."""

from __future__ import annotations

from collections.abc import Callable
from threading import Condition, Event
from time import monotonic

from eventsourcing.persistence import WaitInterruptedError


class Commits:
    """The position this process's last batch of a view committed (0 before its first, and after a drop)."""

    def __init__(self) -> None:
        self.position = 0
        self._moved = Condition()

    def settle(self, position: int | None) -> None:
        """A batch ended: committed up to `position`, or not at all (None); either way every wait looks again."""
        with self._moved:
            if position is not None:
                self.position = position
            self._moved.notify_all()

    def wait(self, position: int, seconds: float) -> None:
        """Block until this process commits `position` (no wait if it has), or for `seconds` at most."""
        with self._moved:
            if self.position < position:  # else it committed since the caller looked
                self._moved.wait(seconds)

    def wait_for_next(self, seconds: float) -> None:
        """Block until the next commit, or for `seconds` at most."""
        with self._moved:
            self._moved.wait(seconds)

    def wait_until(
        self,
        position: int,
        look: Callable[[], bool],
        timeout: float,
        here: bool,
        interrupt: Event | None = None,
        name: str = "the view",
    ) -> None:
        """Block until `position` is committed: at once when this process commits it, else when `look` (a read of
        the tracking row) finds it, every 5 ms, or every 50 ms if the view is projected `here` (by this process);
        TimeoutError after `timeout` seconds, with one look at least."""
        now, every = monotonic(), (0.05 if here else 0.005)
        deadline, look_at = now + timeout, now + every if here and self.position else now  # nothing here yet: look
        while self.position < position:
            if now >= look_at or now >= deadline:
                if look():
                    return
                if now >= deadline:
                    raise TimeoutError(f"{name} has not reached position {position} within {timeout}s")
                look_at = now + every
            if interrupt is not None and interrupt.is_set():
                raise WaitInterruptedError
            self.wait(position, min(look_at, deadline) - now)
            now = monotonic()
