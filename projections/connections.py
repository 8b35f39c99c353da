"""Who a process's PostgreSQL sessions say they are, and the session settings every one of them starts with.

Each session's `application_name` names the process's role and identity (`corral-projector web-1:4711`), so an
operator can tell them apart in `pg_stat_activity`, and a projector taking over from a frozen one can end the frozen
one's sessions (projections/lease.py). The event store's engine, the views' engine and the LISTEN connections all
connect with `connection_options()`.
"""

from __future__ import annotations

import os
import socket

# A transaction left open and idle this long is ended by the server, so a process frozen inside one cannot hold its
# row locks for ever (a projector taking over ends a frozen holder's sessions at once anyway).
IDLE_IN_TRANSACTION_MS = 60_000
APPLICATION_NAME_LENGTH = 63  # PostgreSQL keeps the first 63 bytes

ROLE_VARIABLE = "CORRAL_PROCESS_ROLE"  # in the environment, so that a server's worker processes inherit it


def name_role(role: str) -> None:
    """Name this process's role (`corral-serve`, `corral-projector`, `corral-cli`) before it connects, and its
    children's."""
    os.environ[ROLE_VARIABLE] = role


def identity() -> str:
    """This process, as `<host>:<pid>`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def application_name() -> str:
    """The name this process's sessions carry: its role and identity."""
    return f"{os.environ.get(ROLE_VARIABLE, 'corral')} {identity()}".encode()[:APPLICATION_NAME_LENGTH].decode(
        errors="ignore"
    )


def connection_options(*options: str) -> dict[str, str]:
    """libpq connection arguments for a session of this process: its `application_name`, and as `options` the
    session settings every session has, then `options` (each `-c name=value`)."""
    settings = [f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}", *filter(None, options)]
    return {"application_name": application_name(), "options": " ".join(settings)}
