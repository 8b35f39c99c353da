"""The record proves itself (DOMAIN.md): what `corral log …` does with the event store's chain and checkpoints, and
the start-up check that refuses a log with events not yet chained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.storage.chain import Walk
from api.storage.checkpoints import sign
from domain.record import Checkpoint

CHAIN_COMMAND = "corral log chain"


class UnchainedLogError(RuntimeError):
    """The log has events past the chain's head: a database written before the chain, not yet migrated."""

    def __init__(self, chained: int, logged: int) -> None:
        which = f"after position {chained:,}, up to {logged:,}" if chained else f"up to position {logged:,}"
        super().__init__(
            f"The event log has events not yet chained ({which}): a database written before the chain. "
            f"Run `{CHAIN_COMMAND}` once to chain them, then start again."
        )


def refuse_unchained(recorder: Any) -> None:
    """Raise UnchainedLogError while the log has events the chain does not reach (a cheap check)."""
    with recorder.transaction(commit=False) as session:
        behind = recorder.chain.is_behind(session)
    if behind is not None:
        raise UnchainedLogError(*behind)


def chain_log(recorder: Any) -> int:
    """Chain every event after the chain's head, in one transaction holding the log's write lock; how many."""
    with recorder.transaction(commit=True) as session:
        _lock(recorder, session)
        chained: int = recorder.chain.chain_the_rest(session)
    return chained


def verify(recorder: Any, checkpoint: Checkpoint | None = None) -> Walk:
    """Walk the whole chain (and check the checkpoint's hash at its position), in one read transaction."""
    at = None if checkpoint is None else (checkpoint.position, bytes.fromhex(checkpoint.hash))
    with recorder.transaction(commit=False) as session:
        walk: Walk = recorder.chain.walk(session, at)
    return walk


def take_checkpoint(recorder: Any, key: Ed25519PrivateKey, now: datetime) -> Checkpoint | Walk:
    """Sign the chain's head once the whole chain is verified, and record the checkpoint; or the walk that failed."""
    walk = verify(recorder)
    if walk.broken is not None or walk.unchained or walk.events == 0:
        return walk
    checkpoint = sign(key, walk.head_position, walk.head_hash, now)
    with recorder.transaction(commit=True) as session:
        recorder.checkpoints.record(session, checkpoint)
    return checkpoint


def _lock(recorder: Any, session: Session) -> None:
    """Keep every other writer of the log out until the transaction ends: PostgreSQL's lock a save takes, or on
    SQLite the database's write lock (a statement that writes nothing still takes it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {recorder.chain.events_qualified} IN EXCLUSIVE MODE"))
    else:
        session.execute(text(f"DELETE FROM {recorder.chain.qualified} WHERE 0 = 1"))
