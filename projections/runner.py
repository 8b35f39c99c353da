"""Keep views caught up with the event log: batched catch-up, then follow new events as they land.

On PostgreSQL only the holder of the projector lease projects (projections/lease.py): a standby takes over within
the lease's term plus a second of one that stops renewing it, even one frozen while connected. The active projector
LISTENs for the event store's NOTIFY; if the connection drops it reconnects with back-off and resumes from each view's
tracking position. A standby of a newer release builds the views the active one does not project (a view's new
version) meanwhile, so they are ready when it takes over. On SQLite it polls.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from time import monotonic
from typing import Any

from domain.application import Corral
from projections.applying import catch_up as catch_up
from projections.connections import identity
from projections.faults import Fault, ViewsStuckError
from projections.lease import STANDBY_POLL_SECONDS, Active, Heartbeat, Holding, Lease, LeaseLostError
from projections.projection import ViewProjection
from projections.stalls import StallWatch
from projections.view import PositionMovedError
from projections.wakeups import DATABASE_ERRORS as DATABASE_ERRORS
from projections.wakeups import Listening as Listening
from projections.wakeups import Polling, Stopping

log = logging.getLogger("corral.projector")
_instances = itertools.count(1)
BESIDE_BATCHES = 5  # batches a standby applies to the views it builds between two polls for the lease


def wait_for(
    application_name: str,
    projections: Sequence[ViewProjection[Any]],
    position: int,
    timeout: float = 5.0,
    interrupt: threading.Event | None = None,
    here: bool = False,
) -> None:
    """Block until every view has applied `position`, wherever it is projected (`here`: by this process, which
    wakes the wait as it commits); TimeoutError after `timeout`."""
    deadline = monotonic() + timeout
    for projection in projections:
        remaining = max(deadline - monotonic(), 0.0)
        projection.view.wait(application_name, position, timeout=remaining, interrupt=interrupt, here=here)


@dataclass(frozen=True)
class Backoff:
    """A delay that starts at `first` and doubles after each failure, up to `most` seconds."""

    first: float
    most: float

    def after(self, delay: float) -> float:
        """The delay after one of `delay` (0 before any)."""
        return min(delay * 2, self.most) if delay else self.first

    def after_attempts(self, attempts: int) -> float:
        """The delay after the `attempts`-th failure in a row (the first after one)."""
        return min(self.first * 2.0 ** max(attempts - 1, 0), self.most)


class Projector:
    """Runs a set of projections for one application, in a thread or in the foreground.

    On PostgreSQL it projects only while it holds the lease, renewed every `lease_seconds / 3`; it warns of a stall
    when its views have not moved for `stall_seconds` while the log is ahead of them."""

    def __init__(
        self,
        app: Corral,
        projections: Sequence[ViewProjection[Any]],
        batch_size: int = 1000,
        poll_interval: float = 0.05,
        backoff: Backoff = Backoff(0.1, 5.0),
        fault_backoff: Backoff = Backoff(1.0, 60.0),
        duties: Sequence[Callable[[], None]] = (),
        lease_seconds: float = 10.0,
        stall_seconds: float = 30.0,
    ) -> None:
        self.app = app
        self.projections = list(projections)
        self.duties = list(duties)  # run after each catch-up, only while this projector is the active one
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.backoff = backoff  # after a lost connection
        self.fault_backoff = fault_backoff  # before a stuck view tries its event again
        self.stopping = Stopping()
        self.active = Active()
        self._thread: threading.Thread | None = None
        url = app.env.get("SQLALCHEMY_URL") or ""
        self._postgres = url.startswith("postgresql")
        self._url = url
        self._channel = app.env.get("NOTIFY_CHANNEL")  # the event store's, from the settings (Settings.events_channel)
        if self._postgres and not self._channel:
            raise ValueError("the event store's NOTIFY channel is not set: build the application from Settings")
        self.name = identity() + ("" if (number := next(_instances)) == 1 else f"#{number}")
        self.lease = None
        if self._postgres and self.projections:
            database = self.projections[0].view.database
            self.lease = Lease(database, self.name, lease_seconds)
        self._positions: dict[str, int] = {}  # each view's position as the last catch-up left it
        self._told = False  # whether a catch-up was logged at INFO since the projector last started on its views
        self._faults: dict[str, Fault] = {}  # each stuck view's fault, as recorded
        self._retries: dict[str, tuple[float, float]] = {}  # a stuck view's next try (monotonic) and its delay
        self._beside: tuple[dict[str, int], dict[str, Fault]] = ({}, {})  # the same, of views built on standby
        self._stall = StallWatch(app, self.projections, self.name, stall_seconds)

    def catch_up(self) -> None:
        """Bring every view to the head of the log, from the positions the last catch-up left them at.

        A view stuck on an event it cannot apply stays before it, logged as an error at every try; it tries again
        after a delay that doubles up to `fault_backoff.most`, while the other views carry on."""
        now = monotonic()
        due = [p for p in self.projections if self._retries.get(p.view.key, (now, 0.0))[0] <= now]
        try:
            self._logged_catch_up(due, self._positions, self._faults)
        except ViewsStuckError as stuck:
            for fault in stuck.faults:
                _, delay = self._retries.get(fault.view, (0.0, 0.0))
                delay = self.fault_backoff.after(delay)
                self._retries[fault.view] = (monotonic() + delay, delay)
                log.error("%s; it stays before that position and tries again in %.1f s", fault, delay)
        for projection in due:
            key = projection.view.key
            recorded = self._faults.get(key)
            if recorded is not None and self._positions.get(key, 0) >= recorded.position:
                del self._faults[key]  # moved past it meanwhile, by another writer
            if key not in self._faults:
                self._retries.pop(key, None)
        if self.lease is None:  # else the lease's heartbeat looks, which a batch stuck waiting cannot hold up
            self._stall.look()

    def run(self) -> None:
        """Project until stopped, surviving dropped connections; on PostgreSQL, only while holding the lease."""
        delay = self.backoff.first
        while not self.stopping.is_set():
            try:
                with self._holding() as held:
                    if not held:
                        continue
                    delay = self.backoff.first
                    with self._wakeups() as wakeups, self.stopping.waking(wakeups.wake):
                        wakeups.acquire(self.stopping)
                        # Read the positions afresh on every (re)start: another projector may have moved the
                        # views meanwhile, or a batch was just refused because another writer had.
                        self._positions.clear()
                        self._faults.clear()
                        self._told = False
                        while not self.stopping.is_set() and self.active.is_set():
                            self.catch_up()
                            for duty in self.duties:
                                if self.active.is_set():
                                    duty()
                            wakeups.wait(self.stopping, self._until_retry())
            except DATABASE_ERRORS as error:
                log.warning("projector stopped on a database error (%s); retrying in %.1fs", error, delay)
            except Exception:  # noqa: BLE001 - never die silently: say what happened, then start again
                log.exception("projector stopped on an unexpected error; retrying in %.1fs", delay)
            self.stopping.wait(delay)
            delay = self.backoff.after(delay)

    @contextmanager
    def _holding(self) -> Iterator[bool]:
        """Active for the block: on PostgreSQL once this projector holds the lease (False if stopped first), renewed
        meanwhile; released at the end, unless lost."""
        if self.lease is None:
            self.active.set()
            try:
                yield True
            finally:
                self.active.clear()
            return
        self.lease.create()
        if not self._stand_by(self.lease):
            yield False
            return
        self.active.set()
        try:
            with Heartbeat(self.lease, [p.view.key for p in self.projections], self.active, self._stall.look):
                yield True
        finally:
            self.active.clear()
            if self.lease.epoch:
                try:
                    if self.lease.release():
                        log.info("projector %s released the lease", self.name)
                except DATABASE_ERRORS as error:
                    log.warning("projector %s could not release the lease (%s); it runs out", self.name, error)

    def _stand_by(self, lease: Lease) -> bool:
        """Poll for the lease until it is taken (True) or the projector stops (False), building meanwhile the views
        the holder does not project."""
        keys, holder = [p.view.key for p in self.projections], None
        while not self.stopping.is_set():
            try:
                previous = lease.take(keys)
            except LeaseLostError as held:
                if held.holding is not None and held.holding.holder != holder:
                    holder = held.holding.holder
                    log.info("projector %s stands by: %s holds the lease", self.name, holder)
                    self._build_beside(held.holding, announce=True)
                elif held.holding is not None:
                    self._build_beside(held.holding)
                self.stopping.wait(STANDBY_POLL_SECONDS)
                continue
            over = f" over from {previous.holder}" if previous is not None else ""
            log.info("projector %s took the lease%s (epoch %d)", self.name, over, lease.epoch)
            return True
        return False

    def _build_beside(self, holding: Holding, announce: bool = False) -> None:
        """Move the views of this release that the active projector does not project (new versions) a few batches
        on, so that a poll for the lease is never long in coming."""
        beside = [p for p in self.projections if p.view.key not in holding.views]
        if not beside:
            return
        if announce:
            log.info("projector %s builds %s beside the active projector's views", self.name, _keys(beside))
        positions, faults = self._beside
        keys = [p.view.key for p in beside]
        known = {key: positions[key] for key in keys if key in positions} or beside[0].view.database.positions(keys)
        try:
            self._logged_catch_up(
                beside, positions, faults, until=min(known.values()) + BESIDE_BATCHES * self.batch_size
            )
        except ViewsStuckError as stuck:
            log.error("%s", stuck)
        except PositionMovedError:
            positions.clear()

    def _logged_catch_up(
        self,
        projections: list[ViewProjection[Any]],
        positions: dict[str, int],
        faults: dict[str, Fault],
        until: int | None = None,
    ) -> None:
        """Catch up, logging the events read when there were any: how many, of which views, how long it took. At INFO
        for the first since the projector started on its views and for a backlog (a batch or more); a command's few
        events as it follows the log at DEBUG, or the log would hold a line for every command."""
        started, read = monotonic(), list[int]()  # the events of each batch
        try:
            catch_up(
                self.app, projections, until, self.batch_size, known=positions, faults=faults, on_batch=read.append
            )
        finally:
            if events := sum(read):
                level = logging.INFO if not self._told or events >= self.batch_size else logging.DEBUG
                self._told = True
                took = monotonic() - started
                log.log(level, "caught up %s: %d events in %.3f s", _keys(projections), events, took)

    def _until_retry(self) -> float:
        """Seconds until a stuck view is due to try again (at most one: a wakeup waits no longer anyway)."""
        if not self._retries:
            return 1.0
        return min(1.0, max(0.0, min(when for when, _ in self._retries.values()) - monotonic()))

    def start(self) -> Projector:
        """Run in a background thread (the embedded mode)."""
        self._thread = threading.Thread(target=self.run, name="corral-projector", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wait(self, position: int, timeout: float = 5.0) -> None:
        """Block until every view has applied `position`, or raise TimeoutError (read-your-writes)."""
        here = self.active.is_set()  # projecting (on PostgreSQL, holding the lease): its commits wake the wait
        wait_for(self.app.name, self.projections, position, timeout, interrupt=self.stopping, here=here)

    @contextmanager
    def _wakeups(self) -> Iterator[Polling | Listening]:
        if not self._postgres:
            yield Polling(self.poll_interval, self.app.recorded)
            return
        assert self._channel is not None
        listening = Listening(self._url, self._channel)
        try:
            yield listening
        finally:
            listening.close()


def _keys(projections: Sequence[ViewProjection[Any]]) -> str:
    return ", ".join(p.view.key for p in projections)
