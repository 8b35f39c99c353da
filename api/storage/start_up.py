"""What a serving process checks before it starts: settings it cannot run without, and a database that answers,
waited for with back-off (a container may start before its database does)."""

from __future__ import annotations

import logging
import time

from sqlalchemy import create_engine

from api.storage.settings import SECRET_KEY_MIN_LENGTH, Settings
from projections.database import ping
from projections.faults import CONNECTION_ERRORS
from projections.runner import Backoff

log = logging.getLogger("corral.start")

START_BACKOFF = Backoff(0.5, 10.0)


class CannotStartError(Exception):
    """A process cannot start: the message says why, in plain words, with no password in it."""


def refuse_unsafe_serving(settings: Settings) -> None:
    """A server on PostgreSQL needs CORRAL_SECRET_KEY, long enough, so that every server signs tokens alike."""
    if settings.sqlite_path() is not None:
        return
    if settings.secret_key is None:
        raise CannotStartError(
            "set CORRAL_SECRET_KEY (or CORRAL_SECRET_KEY_FILE): on PostgreSQL every server signs sign-ins with it"
        )
    if len(settings.secret_key.get_secret_value()) < SECRET_KEY_MIN_LENGTH:
        raise CannotStartError(
            f"CORRAL_SECRET_KEY is shorter than {SECRET_KEY_MIN_LENGTH} characters: make a long random one, "
            'e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )


def wait_for_database(settings: Settings) -> None:
    """Return once the database answers; until then log each wait, doubling it, for up to
    CORRAL_START_TIMEOUT_SECONDS, then raise CannotStartError. A SQLite file is opened by the process itself."""
    if settings.sqlite_path() is not None:
        return
    engine = create_engine(settings.database_url, pool_pre_ping=False)
    deadline, delay = time.monotonic() + settings.start_timeout_seconds, 0.0
    try:
        while True:
            try:
                ping(engine)
                return
            except CONNECTION_ERRORS as error:
                reason = _reason(error)
                delay = START_BACKOFF.after(delay)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CannotStartError(
                        f"the database did not answer within {settings.start_timeout_seconds:g} s ({reason})"
                    ) from None
                delay = min(delay, left)
                log.warning("the database does not answer (%s); trying again in %.1f s", reason, delay)
                time.sleep(delay)
    finally:
        engine.dispose()


def _reason(error: BaseException) -> str:
    """The driver's own first line (a refused connection, a missing database), not SQLAlchemy's wrapping."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__
