"""Up to a few saves go to the server side by side; saves that arrive while that many are under way are sent
together, and each still gets its own answer."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from api.storage.save_batches import SaveBatches


def event(originator: uuid.UUID, version: int = 1) -> StoredEvent:
    return StoredEvent(originator, version, "a.topic:Event", b"{}")


class Server:
    """Stands for the log's one-at-a-time saves: numbers events in order, refuses a version already stored, and can
    hold the first save (or, `holding` that many, the first few) until told to go on, and the one after them until
    told to go on again."""

    def __init__(self, holding: int = 1) -> None:
        self.stored: set[tuple[uuid.UUID, int]] = set()
        self.sends: list[int] = []
        self.position = 0
        self.holding, self.arrived = holding, 0
        self.first_arrived, self.go_on, self.then_go_on = threading.Event(), threading.Event(), threading.Event()
        self.then_go_on.set()
        self.lock = threading.Lock()  # the log's lock: one save at a time

    def send(self, events: Sequence[StoredEvent]) -> list[int]:
        with self.lock:
            self.arrived += 1
            arrived = self.arrived
        if arrived <= self.holding:
            self.first_arrived.set()
            self.go_on.wait(10)
        elif arrived == self.holding + 1:
            self.then_go_on.wait(10)
        with self.lock:
            return self._saved(events)

    def _saved(self, events: Sequence[StoredEvent]) -> list[int]:
        self.sends.append(len(events))
        keys = [(e.originator_id, e.originator_version) for e in events]
        if any(key in self.stored for key in keys) or len(set(keys)) < len(keys):
            raise IntegrityError("duplicate key")
        self.stored.update(keys)  # type: ignore[arg-type]
        positions = list(range(self.position + 1, self.position + 1 + len(events)))
        self.position += len(events)
        return positions


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the saves never got there"
        time.sleep(0.001)


def saved_in_threads(batches: SaveBatches, server: Server, saves: list[list[StoredEvent]]) -> list[object]:
    """The first save is held at the server while the rest arrive; then all go on. Each save's answer."""
    answers: list[object] = [None] * len(saves)

    def save(n: int) -> None:
        try:
            answers[n] = batches.save(saves[n])
        except IntegrityError as error:
            answers[n] = error

    first = threading.Thread(target=save, args=(0,))
    first.start()
    assert server.first_arrived.wait(10)
    others = [threading.Thread(target=save, args=(n,)) for n in range(1, len(saves))]
    for thread in others:
        thread.start()
    until(lambda: len(batches.pending) == len(others))
    server.go_on.set()
    for thread in (first, *others):
        thread.join(10)
    return answers


def test_saves_waiting_behind_one_under_way_go_to_the_server_together_each_with_its_positions() -> None:
    server = Server()
    batches = SaveBatches(server.send, max_events=10, side_by_side=1)
    saves = [[event(uuid.uuid4())], [event(uuid.uuid4()), event(uuid.uuid4())], [event(uuid.uuid4())]]

    answers = saved_in_threads(batches, server, saves)

    assert server.sends == [1, 3]  # the first alone; the two that waited, together
    assert answers == [[1], [2, 3], [4]]


def test_a_batch_that_collides_is_sent_again_save_by_save_so_only_the_colliding_one_is_refused() -> None:
    server = Server()
    batches = SaveBatches(server.send, max_events=10, side_by_side=1)
    taken = uuid.uuid4()
    saves = [[event(taken)], [event(uuid.uuid4())], [event(taken)], [event(uuid.uuid4())]]

    answers = saved_in_threads(batches, server, saves)

    assert answers[0] == [1] and isinstance(answers[2], IntegrityError)
    assert answers[1] == [2] and answers[3] == [3]
    assert server.sends == [1, 3, 1, 1, 1]


def test_a_save_on_its_own_goes_straight_through() -> None:
    server = Server()
    server.go_on.set()
    batches = SaveBatches(server.send, max_events=10, side_by_side=1)

    assert batches.save([event(uuid.uuid4())]) == [1]
    with pytest.raises(IntegrityError):
        batches.save([event(server.stored.copy().pop()[0])])
    assert server.sends == [1, 1]


def test_saves_waiting_are_sent_a_bounded_batch_at_a_time_and_every_one_is_answered() -> None:
    server = Server()
    batches = SaveBatches(server.send, max_events=3, side_by_side=1)
    saves = [[event(uuid.uuid4())], [event(uuid.uuid4()), event(uuid.uuid4())], [event(uuid.uuid4())] * 1]
    saves += [[event(uuid.uuid4()), event(uuid.uuid4())], [event(uuid.uuid4())]]

    answers = saved_in_threads(batches, server, saves)

    assert server.sends[0] == 1 and all(size <= 3 for size in server.sends) and sum(server.sends) == 7
    assert sorted(position for answer in answers for position in answer) == list(range(1, 8))  # type: ignore[attr-defined]


def test_up_to_a_few_saves_go_to_the_server_side_by_side_and_those_beyond_wait_and_go_together() -> None:
    server = Server(holding=3)
    server.then_go_on.clear()  # the batch, held at the server while the three before it finish
    batches = SaveBatches(server.send, max_events=10, side_by_side=3)
    saves = [[event(uuid.uuid4())] for _ in range(6)]
    answers: list[object] = [None] * len(saves)

    def save(n: int) -> None:
        answers[n] = batches.save(saves[n])

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(saves))]
    for thread in threads:
        thread.start()
    until(lambda: server.arrived == 3 and len(batches.pending) == 3)
    server.go_on.set()
    until(lambda: server.arrived == 4 and len(server.sends) == 3)
    threading.Event().wait(0.1)  # the saves in the batch under way, woken as the others finished, wait for it
    server.then_go_on.set()
    for thread in threads:
        thread.join(10)

    assert sorted(server.sends) == [1, 1, 1, 3]  # three side by side, held at the server; the three after, together
    assert sorted(position for answer in answers for position in answer) == list(range(1, 7))  # type: ignore[attr-defined]
