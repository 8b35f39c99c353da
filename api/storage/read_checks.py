"""PostgreSQL: the check a save makes of the reads its command stood on (domain/scopes.py), in the save's own
transaction, under the log's exclusive lock, so no save can come between the check and the insert.

It fails the transaction if any of the aggregates read has an event after the position the reads stand on: by
casting this text, with how many it found, to an integer (plain SQL has no RAISE; the cast depends on the count, so
the server cannot fold it away when nothing is found). Its token is this process's own, so no other failed cast
can be taken for it."""

from __future__ import annotations

import re
import secrets
from uuid import UUID

import psycopg2.errors

MOVED_ON = f"corral {secrets.token_hex(8)}: reads moved on: "
_REFUSAL = re.compile(f"{re.escape(MOVED_ON)}\\d+")


class ReadCheck:
    """The check of the events table `events` (its qualified name), as SQL with psycopg2 parameters."""

    def __init__(self, events: str) -> None:
        self.sql = (
            "SELECT CAST(%s || count(*) AS integer) FROM "
            f"(SELECT 1 FROM {events} WHERE id > %s AND originator_id = ANY(%s::uuid[]) LIMIT 1) AS moved "
            "HAVING count(*) > 0; "
        )

    @staticmethod
    def params(stands_on: int, read: frozenset[UUID]) -> tuple[object, ...]:
        """The check's parameters: the reads stand on this position, and these aggregates were read."""
        return MOVED_ON, stands_on, [str(aggregate_id) for aggregate_id in read]


def refused_reads(error: BaseException | None) -> bool:
    """True when the server refused a save because its reads moved on, whatever language it words the rest in."""
    return isinstance(error, psycopg2.errors.InvalidTextRepresentation) and _REFUSAL.search(str(error)) is not None
