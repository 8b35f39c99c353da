"""A replay under other payment rules as a table: one row per provider x scheme x quarter, the same for the API's
downloads and the command line's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from api.http.exports import Pounds
from projections.progress.queries import Difference, Replay

PLACE = ("Provider", "Scheme", "Quarter", "Closed or open")
DIFFERENCE = "Difference"
# Had the other rules applied all year: closed quarters repriced too.
ALL_YEAR = ("Earned all year, closed quarters too", "Difference all year")


def replay_headings(replay: Replay) -> tuple[str, ...]:
    """The table's headings, naming the two versions compared."""
    return (
        *PLACE,
        f"Earned now ({replay.now_rules.version})",
        f"Earned under {replay.rules.version}",
        DIFFERENCE,
        *ALL_YEAR,
    )


def replay_rows(replay: Replay, names: Mapping[str, str], *before: str) -> list[Sequence[Any]]:
    """Each provider's money in each scheme and quarter, now and under the other rules, then the total; each row
    after the cells `before` it (a programme's name, where a table holds several)."""
    by_name = sorted(replay.differences, key=lambda d: names.get(d.provider_id, d.provider_id))  # stable: schemes stay
    rows: list[Sequence[Any]] = [(*before, *_row(d, names)) for d in by_name]
    total = (
        Pounds(replay.now.earned),
        Pounds(replay.replayed.earned),
        Pounds(replay.change.earned),
        Pounds(replay.throughout.earned),
        Pounds(replay.change_throughout.earned),
    )
    rows.append((*before, "Total", "", "", "", *total))
    return rows


def _row(d: Difference, names: Mapping[str, str]) -> Sequence[Any]:
    return (
        names.get(d.provider_id, d.provider_id),
        f"{d.scheme.code}: {d.scheme.title}",
        d.quarter.value,
        "closed" if d.closed else "open",
        Pounds(d.now.earned),
        Pounds(d.replayed.earned),
        Pounds(d.change.earned),
        Pounds(d.throughout.earned),
        Pounds(d.change_throughout.earned),
    )
