"""The event store: eventsourcing-sqlalchemy's, with saves that can join a transaction their caller holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing_sqlalchemy.datastore import transactions
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder


class JoiningRecorder(SQLAlchemyApplicationRecorder):
    """Inside `recorder.transaction()` held by a caller (api/idempotency.py), a save joins it as a savepoint:
    it commits with the caller's writes, and a collision undoes only the save and raises IntegrityError as
    a save on its own would, so the use case still names the conflict."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert in the caller's transaction if there is one, else in a transaction of its own."""
        enclosing = transactions.get(None)
        if enclosing is None:
            return super().insert_events(stored_events, **kwargs)
        try:
            with enclosing.session.begin_nested():
                return super().insert_events(stored_events, **kwargs)
        except sqlalchemy.exc.IntegrityError as error:
            raise IntegrityError(error) from error


class Factory(SQLAlchemyFactory):
    """eventsourcing-sqlalchemy with the joining recorder."""

    application_recorder_class = JoiningRecorder
