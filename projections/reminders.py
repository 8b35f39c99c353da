"""Corral's reminders: run by the one active projector, they remind each provider still owing evidence, a few days
before it is due and again once it is overdue. Each reminder is an event, recorded once whoever runs the sweep."""

from __future__ import annotations

import logging
from time import monotonic
from typing import Protocol
from uuid import UUID

from domain.actors import Actor
from domain.service import Recorded
from projections.progress.queries.queues import evidence_to_remind
from projections.progress.view import ProgressView

log = logging.getLogger("corral.reminders")
SWEEPER = Actor.system("reminders")


class Reminding(Protocol):
    """What the sweep needs of the application: the reminder use case, and the clock it is told the day by."""

    def remind_provider(
        self, actor: Actor, scheme_id: UUID, provider_id: UUID, milestone_code: str
    ) -> Recorded | None: ...


class ReminderSweep:
    """A projector duty: every `interval` seconds, remind whoever is due a reminder today."""

    def __init__(self, app: Reminding, view: ProgressView, interval: float = 60.0) -> None:
        self.app = app
        self.view = view
        self.interval = interval
        self._next = 0.0

    def __call__(self) -> None:
        """Sweep if the interval has passed since the last sweep; a failure is logged, and tried next time."""
        if monotonic() < self._next:
            return
        self._next = monotonic() + self.interval
        try:
            self.sweep()
        except Exception:  # noqa: BLE001 - a reminder not sent now is sent next time; projecting goes on
            log.exception("reminders were not all sent; the sweep tries again in %.0f s", self.interval)

    def sweep(self) -> int:
        """Send every reminder due today that has not been sent; how many were sent."""
        sent = 0
        for row in evidence_to_remind(self.view, self.view.reading_clock.today()):
            recorded = self.app.remind_provider(SWEEPER, UUID(row.scheme_id), UUID(row.provider_id), row.code)
            sent += recorded is not None
        if sent:
            log.info("reminded providers of %d milestones' evidence", sent)
        return sent
