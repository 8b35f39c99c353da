"""The lead's collation board for a scheme-quarter: who has sent what, who is missing, whether the pack is ready."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID


from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from api.http.reads import json_read
from api.http.routing import api_router
from domain.milestones import Quarter
from projections.progress.queries.collation import CollationBoard
from projections.progress.queries import board_access, collation_board

router = api_router("/schemes", tags=["boards"])


@router.get("/{scheme_id}/quarters/{quarter}/board", response_model=CollationBoard)
def read_board(
    scheme_id: UUID, quarter: Quarter, actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter
) -> Any:
    """Who has sent what, who is missing, the nudges and whether the pack is ready: for the lead and commissioner."""
    board_access(readings, actor, str(scheme_id))
    return json_read(asdict(collation_board(readings, str(scheme_id), quarter)))
