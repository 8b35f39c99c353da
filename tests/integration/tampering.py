"""What someone with the database's password could do to the log behind Corral's back: SQL on the stored rows."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy

from api.storage.settings import Settings

EVENT_COLUMNS = ("originator_id", "originator_version", "topic", "state")


def table(settings: Settings, name: str) -> str:
    """A table's name as SQL needs it: in the store's schema, if it has one."""
    return f"{settings.database_schema}.{name}" if settings.database_schema else name


def execute(settings: Settings, statement: str, **params: Any) -> list[Any]:
    """Run one statement on the store, committed; its rows, if it returns any."""
    engine = sqlalchemy.create_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(sqlalchemy.text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def stored_row(settings: Settings, position: int) -> dict[str, Any]:
    """An event's columns exactly as stored (the originator id as SQLite's 16 bytes, or PostgreSQL's text)."""
    events = table(settings, "corral_events")
    row = execute(settings, f"SELECT {', '.join(EVENT_COLUMNS)} FROM {events} WHERE id = :p", p=position)[0]
    values = dict(zip(EVENT_COLUMNS, row, strict=True))
    values["state"] = bytes(values["state"])
    if isinstance(values["originator_id"], (bytes, memoryview)):
        values["originator_id"] = bytes(values["originator_id"])
    else:
        values["originator_id"] = str(values["originator_id"])
    return values


def write_row(settings: Settings, position: int, values: dict[str, Any]) -> None:
    """Overwrite an event's columns."""
    events = table(settings, "corral_events")
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    execute(settings, f"UPDATE {events} SET {assignments} WHERE id = :position", position=position, **values)


def flipped(values: dict[str, Any], column: str, index: int, mask: int) -> dict[str, Any]:
    """The event's columns with one byte of one column changed (`mask` XORed into it; for the topic, a printable
    ASCII character the mask picks, so PostgreSQL's text still takes it)."""
    value = values[column]
    if column == "originator_version":
        return {column: value ^ (mask << (8 * (1 + index % 3)))}  # a high byte: no clash with another version
    if column == "topic":
        at = index % len(value)
        replacement = chr(32 + (ord(value[at]) - 32 + 1 + mask % 94) % 95)
        return {column: value[:at] + replacement + value[at + 1 :]}
    raw = bytearray(value if isinstance(value, bytes) else uuid.UUID(value).bytes)
    raw[index % len(raw)] ^= mask
    if column == "originator_id" and isinstance(value, str):
        return {column: str(uuid.UUID(bytes=bytes(raw)))}
    return {column: bytes(raw)}


def delete(settings: Settings, name: str, key: str, position: int) -> None:
    """Delete the row of a position from the events (key `id`) or the chain (key `position`)."""
    execute(settings, f"DELETE FROM {table(settings, name)} WHERE {key} = :p", p=position)


def move(settings: Settings, name: str, key: str, position: int, to: int) -> None:
    """Give a row another position."""
    execute(settings, f"UPDATE {table(settings, name)} SET {key} = :to WHERE {key} = :p", p=position, to=to)
