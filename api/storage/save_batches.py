"""Saves that arrive together go to the server together: the log's exclusive lock makes saves one at a time, each
holding it through its commit, so threads of one process that save while another's save is under way wait, and the
first of them then sends all their events in one transaction (one lock, one commit). If that batch collides, each
save is sent again on its own, so each gets its own answer: saved, or a conflict. Alone, a save goes straight
through."""

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
    finished: bool = False

    def answer(self) -> list[int]:
        if self.error is not None:
            raise self.error
        return self.positions


class SaveBatches:
    """Saves from this process's threads, sent one batch at a time by `send` (events in, positions out)."""

    def __init__(self, send: Send, max_events: int) -> None:
        self.send, self.max_events = send, max_events
        self.turn = threading.Condition()
        self.pending: list[_Waiting] = []
        self.sending = False

    def save(self, events: Sequence[StoredEvent]) -> list[int]:
        """The events' positions once committed (with whatever other saves were waiting); IntegrityError if they
        collide with what is stored."""
        me = _Waiting(events)
        with self.turn:
            self.pending.append(me)
        while True:
            with self.turn:
                while self.sending and not me.finished:
                    self.turn.wait()
                if me.finished:
                    return me.answer()
                batch, self.sending = self._take(), True
            try:
                self._send(batch)
            finally:
                with self.turn:
                    self.sending = False
                    self.turn.notify_all()

    def _take(self) -> list[_Waiting]:
        """The saves waiting longest, up to `max_events` events in all (the first whatever its size)."""
        count, taken = 0, 0
        for waiting in self.pending:
            if taken and count + len(waiting.events) > self.max_events:
                break
            count, taken = count + len(waiting.events), taken + 1
        batch, self.pending = self.pending[:taken], self.pending[taken:]
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
