"""Work queues: what is waiting for your organisation today, in sections by kind."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel

from api.http.deps import CurrentActor, ProgressReadings, ViewsAfter
from api.http.reads import json_read
from api.http.routing import api_router
from projections.progress.queries import work_queue
from projections.progress.queries.queues import QueueSection

router = api_router(tags=["boards"])


class QueueOut(BaseModel):
    """What is waiting for your organisation: how many things, and the sections they are in."""

    count: int
    sections: list[QueueSection]


@router.get("/me/queue", response_model=QueueOut)
def my_queue(actor: CurrentActor, readings: ProgressReadings, _: ViewsAfter) -> Any:
    """A provider: evidence returned to it, nudges, due soon and overdue; and for a scheme it leads, submissions
    waiting for its decision, who is missing and the packs due. The commissioner: packs waiting for assessment,
    queries outstanding, quarters ready to close and packs overdue. Other roles have an empty queue."""
    queue = work_queue(readings, actor)
    return json_read({"count": queue.count, "sections": [asdict(s) for s in queue.sections]})
