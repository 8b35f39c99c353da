"""A worker beside the projector: it runs a round every so often, only while the projector holds its lock (the
mailer, the webhook deliverer), and never dies of an error."""

from __future__ import annotations

import logging
import threading

from projections.runner import DATABASE_ERRORS


class Beside:
    """Calls `run_once` every `poll_seconds` while `active` is set (always, with none), in a background thread."""

    what = "worker"  # as its log lines name it

    def __init__(self, active: threading.Event | None, poll_seconds: float, log: logging.Logger) -> None:
        self.active, self.poll_seconds, self.log = active, poll_seconds, log
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One round; how many things it did."""
        raise NotImplementedError

    def run(self) -> None:
        """Work until stopped, only while the projector's lock is held."""
        while not self.stopping.is_set():
            if self.active is None or self.active.is_set():
                try:
                    self.run_once()
                except DATABASE_ERRORS as error:
                    self.log.warning("the %s lost the database (%s); it tries again", self.what, error)
                except Exception:  # noqa: BLE001 - never die silently
                    self.log.exception("the %s stopped on an unexpected error; it tries again", self.what)
            self.stopping.wait(self.poll_seconds)

    def start(self) -> Beside:
        """Run in a background thread."""
        self._thread = threading.Thread(target=self.run, name=f"corral-{self.what}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
