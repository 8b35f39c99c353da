"""What the stores raise when they cannot be used now: a request that needs them is answered 503, to try again."""

from __future__ import annotations

from projections.faults import CONNECTION_ERRORS


class StoreUnavailableError(Exception):
    """A store a request needs cannot be used now: the database, or the attachments folder."""

    def __init__(self, store: str, reason: str) -> None:
        super().__init__(f"the {store} is unavailable ({reason})")
        self.store = store
        self.reason = reason


# A lost or refused connection, a pool that has no connection to give, a file that cannot be written: try again later.
# Any other OSError in a request is a fault of its own, not a store's.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    StoreUnavailableError,
    *(error for error in CONNECTION_ERRORS if error is not OSError),
)
