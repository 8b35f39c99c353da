"""PostgreSQL: the check a save makes of the reads its command stood on (domain/scopes.py), in the save's own
transaction, under the log's exclusive lock, so no save can come between the check and the insert.

It fails the transaction if any of the aggregates read has an event after the position it was read at: by
casting this text, with how many it found, to an integer (plain SQL has no RAISE; the cast depends on the count, so
the server cannot fold it away when nothing is found). Its token is this process's own, so no other failed cast
can be taken for it. Each aggregate's latest event is found through the log's index of aggregates and versions, one
probe an aggregate, whatever the planner knows of the table (a scan of the positions after the reads' could be a
scan of the whole log, under its lock)."""

from __future__ import annotations

import re
import secrets
import psycopg2.errors

from api.storage.driver import OnServer
from domain.scopes import Reads

MOVED_ON = f"corral {secrets.token_hex(8)}: reads moved on: "
_REFUSAL = re.compile(f"{re.escape(MOVED_ON)}\\d+")


class ReadCheck:
    """The check of the events table `events` (its qualified name): a statement prepared on each connection, run by
    `sql` with `params`."""

    def __init__(self, events: str) -> None:
        self.on_server = OnServer.of(
            "SELECT CAST(%s || count(*) AS integer) FROM unnest(CAST(%s AS uuid[]), CAST(%s AS bigint[])) AS read (id, at)"
            f" CROSS JOIN LATERAL (SELECT e.id FROM {events} e WHERE e.originator_id = read.id"
            " ORDER BY e.originator_version DESC LIMIT 1) AS latest WHERE latest.id > read.at HAVING count(*) > 0",
            ["%s"] * 3,
        )
        self.sql = f"{self.on_server.execute}; "

    @staticmethod
    def params(read: Reads) -> tuple[object, ...]:
        """The check's parameters: the aggregates read, and the position each was read at (the driver sends a list
        as an array)."""
        return MOVED_ON, list(read), list(read.values())


def refused_reads(error: BaseException | None) -> bool:
    """True when the server refused a save because its reads moved on, whatever language it words the rest in."""
    return isinstance(error, psycopg2.errors.InvalidTextRepresentation) and _REFUSAL.search(str(error)) is not None
