"""The HTTP baseline: a bare FastAPI app with one plain `def` read and one JSON POST, nothing behind them; and the
websocket baseline (bench/memory.py): a socket that answers its first message `subscribed` and is then held open.

Served by uvicorn with Corral's worker count: `python -m uvicorn bench.http_bare:app --workers 2`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from pydantic import BaseModel

app = FastAPI()


class EvidenceIn(BaseModel):
    narrative: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    attachments: list[dict[str, Any]] = []


@lru_cache(maxsize=8)
def rows_of(size: int) -> list[dict[str, Any]]:
    """Rows shaped like a dashboard's, about `size` bytes of JSON in all."""
    row = {"scheme": "x" * 40, "milestone": "Q1", "quarter": "Q1", "status": "submitted", "due": "2020-07-30"}
    width = len(json.dumps(dict(row, index=1000), separators=(",", ":"))) + 1
    return [dict(row, index=i) for i in range(max(size // width, 1))]


@app.get("/rows")
def read(size: int) -> list[dict[str, Any]]:
    """About `size` bytes of rows."""
    return rows_of(size)


@app.post("/submissions", status_code=201)
def submit(body: EvidenceIn) -> dict[str, Any]:
    """Take the body and answer as a recorded command does."""
    return {"id": "00000000-0000-0000-0000-000000000000", "version": 1, "position": len(body.narrative)}


@app.websocket("/live")
async def live(websocket: WebSocket) -> None:
    """Accept, answer the subscription, and hold the socket until the client goes."""
    await websocket.accept()
    try:
        await websocket.receive_text()
        await websocket.send_text(json.dumps({"type": "subscribed"}))
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass
