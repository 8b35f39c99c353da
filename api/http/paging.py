"""Lists a page at a time by keyset: `limit` rows after the `cursor` the previous page's `Link: rel="next"` gave."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from starlette.datastructures import URL
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator

from api.http.reads import json_answer, json_text

T = TypeVar("T")
Key = tuple[str | int, ...]
DEFAULT_PAGE = 100
LARGEST_PAGE = 1000
CURSOR_LENGTH = 4096


def cursor_of(key: Key) -> str:
    """The opaque cursor that names a row's place in its list."""
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def key_of(cursor: str) -> Key:
    """The place a cursor names; ValueError when it is not one this server wrote."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("is not a cursor this server gave: follow the Link rel=next of the previous page") from None
    if not isinstance(key, list) or not key or not all(isinstance(k, str | int) for k in key):
        raise ValueError("is not a cursor this server gave: follow the Link rel=next of the previous page")
    return tuple(key)


def _given(cursor: str) -> str:
    key_of(cursor)
    return cursor


Cursor = Annotated[str, AfterValidator(_given)]


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page and the cursor of the next, none on the last."""

    rows: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class Paging:
    """How much of a list is asked for, and from where; `url`, the address that asked."""

    limit: int = DEFAULT_PAGE
    cursor: str | None = None
    url: URL | None = None

    def page(self, rows: Sequence[T], key: Callable[[T], Key]) -> Page[T]:
        """The page of `rows`, in the order of `key`, that follows the cursor; a cursor of another list is a 422."""
        ordered = sorted(rows, key=key)
        if self.cursor is not None:
            after = key_of(self.cursor)
            ordered = [r for r in ordered if _beyond(key(r), after)]
        shown = ordered[: self.limit]
        return Page(shown, cursor_of(key(shown[-1])) if len(ordered) > self.limit else None)

    def read(self, rows: list[Any], next_cursor: str | None) -> Response:
        """The page's rows as JSON, with a `Link: <…>; rel="next"` to the next page unless this is the last."""
        return self.answer(json_text(rows), next_cursor)

    def answer(self, text: str, next_cursor: str | None) -> Response:
        """The page's rows, already written as JSON, with the `Link` to the next page as `read` gives it."""
        answer = json_answer(text)
        if next_cursor is not None and self.url is not None:
            answer.headers["Link"] = f'<{self.url.include_query_params(cursor=next_cursor)}>; rel="next"'
        return answer


def _beyond(key: Key, after: Key) -> bool:
    """Whether a row's place comes after the cursor's; a 422 when the cursor names a place in another kind of list."""
    try:
        if len(after) == len(key):
            return key > after
    except TypeError:
        pass
    raise RequestValidationError(
        [{"loc": ("query", "cursor"), "msg": "is a cursor of another list", "type": "value_error"}]
    )


def paging(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=LARGEST_PAGE, description="at most this many rows")] = DEFAULT_PAGE,
    cursor: Annotated[
        Cursor | None, Query(max_length=CURSOR_LENGTH, description='where to go on from: the Link rel="next" gives it')
    ] = None,
) -> Paging:
    """The paging a list route was asked for."""
    return Paging(limit, cursor, request.url)


Paged = Annotated[Paging, Depends(paging)]
