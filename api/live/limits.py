"""What one user may ask of the live fan-out, so that no one starves the others.

Per account, a server process holds at most `sockets_per_account` sockets; per socket, at most `topics` topics,
`subscribes` subscribe messages and `replay_budget` replayed changes in each window of `window_seconds`, and no
client message over `message_bytes`. A subscription is replayed at most `replay_max` changes (and never from
further back than `replay_window` log positions): beyond either, or beyond the socket's budget, it is told to
`resync` (read the page again over HTTP) instead. The browser pages open one socket per page, follow one to
three topics and subscribe again only when they reconnect, so they stay far inside every one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic

from api.storage.settings import Settings
from domain.errors import DomainError


class TooManySocketsError(DomainError):
    """One account holds at most so many live sockets on one server process."""


@dataclass(frozen=True)
class LiveLimits:
    """The live fan-out's numbers, from the CORRAL_LIVE_* settings."""

    queue_size: int = 256  # messages a socket that pushes back may have waiting before it is cut off
    replay_window: int = 10_000
    heartbeat_seconds: float = 15.0
    idle_seconds: float = 60.0
    sockets_per_account: int = 20
    topics: int = 20
    replay_max: int = 1000
    replay_budget: int = 5000
    subscribes: int = 100
    window_seconds: float = 60.0
    message_bytes: int = 4096

    def admit(self, username: str, held: int) -> None:
        """TooManySocketsError if an account already holding `held` sockets may open no more."""
        if held >= self.sockets_per_account:
            raise TooManySocketsError(
                f"{username} already has {held} live connections to this server, the most one account may hold: "
                "close one first"
            )

    @classmethod
    def of(cls, settings: Settings) -> LiveLimits:
        """The limits the settings give."""
        return cls(
            queue_size=settings.live_queue_size,
            replay_window=settings.live_replay_window,
            heartbeat_seconds=settings.live_heartbeat_seconds,
            idle_seconds=settings.live_idle_seconds,
            sockets_per_account=settings.live_sockets_per_account,
            topics=settings.live_max_topics,
            replay_max=settings.live_replay_max,
            replay_budget=settings.live_replay_budget,
            subscribes=settings.live_subscribes_per_window,
            window_seconds=settings.live_window_seconds,
            message_bytes=settings.live_max_message_bytes,
        )


class Allowance:
    """At most `limit` units in each window of `seconds`, a window starting with the first unit taken in it."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.used = 0
        self.since = 0.0

    def remaining(self) -> int:
        """How many units this window has left."""
        now = monotonic()
        if now - self.since >= self.seconds:
            self.used, self.since = 0, now
        return self.limit - self.used

    def take(self, units: int = 1) -> bool:
        """Count `units` if they fit in this window's remainder; False (counting nothing) if they do not."""
        if units > self.remaining():
            return False
        self.used += units
        return True
