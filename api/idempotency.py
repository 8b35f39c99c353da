"""Idempotency-Key: a retried POST returns the first answer and acts only once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError
from fastapi.responses import JSONResponse
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, select, update

from api.errors import domain_problem, problem
from domain.application import Corral
from domain.errors import DomainError
from projections.database import UTCDateTime, ViewDatabase


class IdempotencyKeys:
    """The answers given to keyed requests, per user; operational records, not part of the event log."""

    def __init__(self, database: ViewDatabase, corral: Corral) -> None:
        self.database = database
        self.recorder: Any = corral.recorder  # api/event_store.py's, whose transaction a save joins
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

    def once(self, user_id: str, key: str | None, request: str, act: Callable[[], JSONResponse]) -> JSONResponse:
        """Act and remember the answer under the key, or replay the answer already given for it.

        The key, the command's events and the answer commit in one transaction (the event store's, which the
        command's save joins), so a process killed at any point leaves all three or none: a retry with the key
        then replays the answer or acts afresh, and never finds the key held by a request that died.
        """
        if key is None:
            return _answer(act)
        fingerprint = hashlib.sha256(request.encode(errors="surrogatepass")).hexdigest()
        row = {"user_id": user_id, "key": key, "fingerprint": fingerprint, "created_at": datetime.now(UTC)}
        try:
            with self.recorder.transaction(commit=True) as session:
                session.execute(insert(self.table).values(row))  # waits while a request with the key is under way
                response = _answer(act)
                headers = {k: v for k, v in response.headers.items() if k.lower() in ("etag", "location")}
                session.execute(
                    update(self.table)
                    .where(self.table.c.user_id == user_id, self.table.c.key == key)
                    .values(
                        status=response.status_code, body=bytes(response.body).decode(), headers=json.dumps(headers)
                    )
                )
        except IntegrityError:
            return self._replay(user_id, key, fingerprint)
        return response

    def _replay(self, user_id: str, key: str, fingerprint: str) -> JSONResponse:
        with self.database.engine.connect() as conn:
            row = conn.execute(select(self.table).where(self.table.c.user_id == user_id, self.table.c.key == key)).one()
        if row.fingerprint != fingerprint:
            return problem(422, "Idempotency key reused", "this Idempotency-Key was used for a different request")
        replayed = JSONResponse(json.loads(row.body), status_code=row.status, headers=json.loads(row.headers))
        replayed.headers["Idempotent-Replayed"] = "true"
        if row.status >= 400:
            replayed.media_type = "application/problem+json"
            replayed.headers["content-type"] = "application/problem+json"
        return replayed


def _answer(act: Callable[[], JSONResponse]) -> JSONResponse:
    try:
        return act()
    except DomainError as error:
        return domain_problem(error)
