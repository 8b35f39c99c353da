"""Saves from this process's threads: up to a few go to the server side by side, each in its own transaction, and
wait their turn at the log's exclusive lock there (when one commits, the next is already at the server). Saves beyond
that wait here, and the first of them given a turn sends all that are waiting in one transaction (one lock, one
commit). If that batch collides, each save is sent again on its own, so each gets its own answer: saved, or a
conflict. Alone, a save goes straight through.

Measured on two cores (BENCHMARKS.md, "Saves side by side"): with 4 writing threads, 4 side by side gave 0.49-0.50 of
raw INSERT+COMMIT against 0.37-0.38 when every save waited for the one under way; with 12, batching beyond 4 beat
both no batching and 6."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import IntegrityError, StoredEvent

Send = Callable[[Sequence[StoredEvent]], list[int]]


@dataclass
class _Waiting:
    events: Sequence[StoredEvent]
    positions: list[int] = field(default_factory=list)
    error: BaseException | None = None
    taken: bool = False  # into a batch being sent (maybe by another thread)
    finished: bool = False

    def answer(self) -> list[int]:
        if self.error is not None:
            raise self.error
        return self.positions


class SaveBatches:
    """Saves from this process's threads, sent by `send` (events in, positions out), at most `side_by_side` sends
    under way at once."""

    def __init__(self, send: Send, max_events: int, side_by_side: int) -> None:
        self.send, self.max_events, self.side_by_side = send, max_events, side_by_side
        self.turn = threading.Condition()
        self.pending: list[_Waiting] = []
        self.sending = 0  # sends under way

    def save(self, events: Sequence[StoredEvent]) -> list[int]:
        """The events' positions once committed (with whatever other saves were waiting); IntegrityError if they
        collide with what is stored."""
        me = _Waiting(events)
        with self.turn:
            self.pending.append(me)
        while True:
            with self.turn:
                while not me.finished and (me.taken or self.sending >= self.side_by_side):
                    self.turn.wait()
                if me.finished:
                    return me.answer()
                batch = self._take()
                self.sending += 1
            try:
                self._send(batch)
            finally:
                with self.turn:
                    self.sending -= 1
                    self.turn.notify_all()

    def _take(self) -> list[_Waiting]:
        """The saves waiting longest, up to `max_events` events in all (the first whatever its size)."""
        count, taken = 0, 0
        for waiting in self.pending:
            if taken and count + len(waiting.events) > self.max_events:
                break
            count, taken = count + len(waiting.events), taken + 1
        batch, self.pending = self.pending[:taken], self.pending[taken:]
        for waiting in batch:
            waiting.taken = True
        return batch

    def _send(self, batch: list[_Waiting]) -> None:
        try:
            if len(batch) == 1:
                batch[0].positions = self.send(batch[0].events)
            else:
                self._send_together(batch)
        except BaseException as error:  # noqa: BLE001 - each waiting save is answered with it
            for waiting in batch:
                if not waiting.positions and waiting.error is None:
                    waiting.error = error
        finally:
            for waiting in batch:
                waiting.finished = True

    def _send_together(self, batch: list[_Waiting]) -> None:
        """All in one transaction; on a collision, each on its own."""
        try:
            positions = self.send([event for waiting in batch for event in waiting.events])
        except IntegrityError:
            for waiting in batch:
                try:
                    waiting.positions = self.send(waiting.events)
                except IntegrityError as error:
                    waiting.error = error
            return
        start = 0
        for waiting in batch:
            waiting.positions, start = positions[start : start + len(waiting.events)], start + len(waiting.events)
