"""A look for a stalled projector: active, yet its views have not moved for a while though the log is ahead."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from time import monotonic
from typing import Any

from domain.application import Corral
from projections.projection import ViewProjection

log = logging.getLogger("corral.projector")


class StallWatch:
    """Warns (`stall: …`), once each `seconds`, while the views have not moved for that long and the log's head is
    ahead of them; it reads their committed positions, so it may look from any thread, at most once a second."""

    def __init__(self, app: Corral, projections: Sequence[ViewProjection[Any]], projector: str, seconds: float) -> None:
        self.app, self.projections, self.projector, self.seconds = app, list(projections), projector, seconds
        self._low, self._moved_at, self._looked_at = -1, monotonic(), 0.0

    def look(self) -> None:
        """Look now, unless it looked less than a second ago."""
        now = monotonic()
        if now - self._looked_at < 1.0 or not self.projections:
            return
        self._looked_at = now
        database = self.projections[0].view.database
        low = min(database.positions(p.view.key for p in self.projections).values())
        if low != self._low:
            self._low, self._moved_at = low, now
            return
        if now - self._moved_at < self.seconds:
            return
        stalled, self._moved_at = now - self._moved_at, now
        head = self.app.recorder.max_notification_id() or 0
        if head > low:
            log.warning(
                "stall: projector %s is active, but its views have stayed at position %d for %.0f s while the log's"
                " head is at %d",
                self.projector,
                low,
                stalled,
                head,
            )
