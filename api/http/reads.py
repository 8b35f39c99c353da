"""JSON for the reads that answer with the views' own values, encoded in one pass."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from fastapi import Response


def json_read(value: Any) -> Response:
    """JSON for the reads, encoded in one pass: Decimals as exact strings, never floats; moments in ISO 8601."""
    return json_answer(json_text(value))


def json_text(value: Any) -> str:
    """The value as `json_read` writes it."""
    return json.dumps(value, default=_plain, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def json_answer(text: str) -> Response:
    """JSON already written, as the answer."""
    return Response(text, media_type="application/json")


def _plain(value: Any) -> Any:
    """What JSON cannot hold as it is, as it is written instead."""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} has no JSON form")
