"""Idempotency-Key: the answers given to keyed requests, so that a retried request acts only once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, select, update

from domain.scopes import uncached
from domain.application import Corral
from projections.database import UTCDateTime, ViewDatabase


@dataclass(frozen=True)
class Answer:
    """What a keyed request was answered: its status, its JSON body and the headers a retry is given again."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False


class KeyReusedError(Exception):
    """The key was already used for a different request."""


class IdempotencyKeys:
    """The answers given to keyed requests, per user; operational records, not part of the event log."""

    def __init__(self, database: ViewDatabase, corral: Corral) -> None:
        self.database = database
        self.recorder: Any = corral.recorder  # api/storage/event_store.py's, whose transaction a save joins
        metadata = MetaData(schema=database.schema)
        self.table = Table(
            "idempotency_keys",
            metadata,
            Column("user_id", String(64), primary_key=True),
            Column("key", String(200), primary_key=True),
            Column("fingerprint", String(64), nullable=False),
            Column("status", Integer, nullable=True),
            Column("body", Text, nullable=True),
            Column("headers", Text, nullable=True),
            Column("created_at", UTCDateTime, nullable=False),
        )
        database.create_all(metadata)

    def once(self, user_id: str, key: str | None, request: str, act: Callable[[], Answer]) -> Answer:
        """Act and remember the answer under the key, or replay the answer already given for it; KeyReusedError
        if the key was used for a different request.

        The key, the command's events and the answer commit in one transaction (the event store's, which the
        command's save joins), so a process killed at any point leaves all three or none: a retry with the key
        then replays the answer or acts afresh, and never finds the key held by a request that died. The command
        loads and saves past the aggregate cache (domain/repository.py `uncached`): until the transaction commits,
        no other request may see what it saved.
        """
        if key is None:
            return act()
        fingerprint = hashlib.sha256(request.encode(errors="surrogatepass")).hexdigest()
        row = {"user_id": user_id, "key": key, "fingerprint": fingerprint, "created_at": datetime.now(UTC)}
        try:
            with uncached(), self.recorder.transaction(commit=True) as session:
                session.execute(insert(self.table).values(row))  # waits while a request with the key is under way
                answer = act()
                session.execute(
                    update(self.table)
                    .where(self.table.c.user_id == user_id, self.table.c.key == key)
                    .values(status=answer.status, body=answer.body, headers=json.dumps(answer.headers))
                )
        except IntegrityError:
            return self._replay(user_id, key, fingerprint)
        return answer

    def _replay(self, user_id: str, key: str, fingerprint: str) -> Answer:
        with self.database.engine.connect() as conn:
            row = conn.execute(select(self.table).where(self.table.c.user_id == user_id, self.table.c.key == key)).one()
        if row.fingerprint != fingerprint:
            raise KeyReusedError("this Idempotency-Key was used for a different request")
        return Answer(row.status, row.body, json.loads(row.headers), replayed=True)
