"""Values as an old log may hold them: built past every check today's domain makes, as a value recorded
before a check existed would have been."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def unchecked(cls: type[T], **values: Any) -> T:
    """An instance of the frozen dataclass `cls` with these field values, its `__post_init__` never run."""
    built = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(built, name, value)
    return built
