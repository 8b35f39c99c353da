"""Drop the tables of view versions this release does not know: what `corral projections prune` does once a rolling
upgrade is over. A view's tables are named after its key (`progress_v4_rows`), with its position in the tracking
table; a version is found from either, for every view this release has (by the name before its version). A version
the holder of the projector lease still projects is refused: the old release is still running."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, delete, inspect, select

from projections.database import ViewDatabase
from projections.lease import Lease
from projections.projection import ViewProjection


class StillProjectedError(Exception):
    """A version to prune is still projected by the projector holding the lease."""


@dataclass(frozen=True)
class Pruned:
    """A view version dropped (or, on a dry run, to drop): its key and its tables."""

    key: str
    tables: tuple[str, ...]


def prune(database: ViewDatabase, projections: Sequence[ViewProjection[Any]], dry_run: bool = False) -> list[Pruned]:
    """Drop every version of this release's views that it does not know: tables, position and fault, a version in
    one transaction; with `dry_run`, only say what would go. StillProjectedError, dropping nothing, if the lease's
    holder projects any of them."""
    known = {p.view.key for p in projections}
    bases = sorted({p.view.name.rsplit("_v", 1)[0] for p in projections})
    versions = re.compile(rf"^((?:{'|'.join(map(re.escape, bases))})_v\d+)(?:_|$)")
    with database.creating() as conn:  # one process at a time makes or drops tables
        tracked = {
            row.projection for table in (database.tracking, database.faults) for row in conn.execute(select(table))
        }
        tables = inspect(conn).get_table_names(schema=database.schema)
        found: dict[str, list[str]] = {}
        for name in sorted(tracked | set(tables)):
            matched = versions.match(name)
            if matched is not None and matched.group(1) not in known:
                found.setdefault(matched.group(1), []).extend([name] if name in tables else [])
        if not database.is_sqlite and Lease.TABLE in tables:  # no table: no projector has ever held the lease
            _refuse_projected(Lease(database, "corral projections prune", 0), found)
        pruned = [Pruned(key, tuple(names)) for key, names in sorted(found.items())]
        if dry_run:
            return pruned
        for version in pruned:
            metadata = MetaData(schema=database.schema)
            metadata.reflect(conn, only=list(version.tables))
            metadata.drop_all(conn)
            for table in (database.tracking, database.faults):
                conn.execute(delete(table).where(table.c.projection == version.key))
    return pruned


def _refuse_projected(lease: Lease, keys: dict[str, list[str]]) -> None:
    held = lease.read()
    if held is None or not held.holder or held.expired:
        return
    projected = sorted(set(keys) & set(held.views))
    if projected:
        raise StillProjectedError(
            f"{', '.join(projected)} still projected by {held.holder}, which holds the projector lease:"
            " stop the old release's projector first"
        )
